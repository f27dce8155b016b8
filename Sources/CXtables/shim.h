// libxtables (iptables' extension plugins) and the one call swarmlb makes through it: an extension's
// own `save` printer, as iptables -S / iptables-save print a match or target it does not decode itself.
#ifndef SWARMLB_CXTABLES_H
#define SWARMLB_CXTABLES_H

#include <pthread.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/types.h>
#include <xtables.h>

// fopencookie(3), which glibc declares only under _GNU_SOURCE: declared by hand and bound to glibc's
// symbol, as CLinux does, its functions struct laid out as cookie_io_functions_t (read, write, seek, close).
struct swlb_cookie_io {
    void *read;
    ssize_t (*write)(void *, const char *, size_t);
    void *seek;
    void *close;
};
extern FILE *swlb_fopencookie(void *cookie, const char *mode, struct swlb_cookie_io io) __asm__("fopencookie");

/// The stream the plugins print into while swlb_xt_save runs: a cookie stream over one growing buffer,
/// made once and reused, so a listing of thousands of rules opens and closes no stream per call. What
/// the stream's own buffer (`pending`, given by setvbuf) cannot hold is written into `data`.
struct swlb_xt_text {
    char *data;
    size_t length, capacity;
    char pending[4096];
};

static inline ssize_t swlb_xt_text_write(void *cookie, const char *bytes, size_t size) {
    struct swlb_xt_text *t = cookie;
    if (t->length + size > t->capacity) {
        size_t capacity = 2 * (t->length + size);
        char *data = realloc(t->data, capacity);
        if (!data) return 0;  // a short write: the stream reports an error
        t->data = data;
        t->capacity = capacity;
    }
    memcpy(t->data + t->length, bytes, size);
    t->length += size;
    return (ssize_t)size;
}

/// A plugin libxtables found for an extension name and revision (NULL: none prints it), so a listing
/// of thousands of rules looks each kind up once.
struct swlb_xt_found {
    char name[XT_EXTENSION_MAXNAMELEN];
    unsigned char revision;
    int target;
    const void *plugin;  // struct xtables_match or struct xtables_target
};

/// The plugin that prints `name` at `revision` (a target's when `target`), as iptables finds it: the
/// extension by name, then its registration of that revision; NULL where iptables prints
/// "[unsupported revision]" or nothing. Called under swlb_xt_save's lock.
static inline const void *swlb_xt_plugin(const char *name, unsigned char revision, int target) {
    static struct swlb_xt_found found[32];
    static int count;
    const void *plugin = NULL;
    for (int i = 0; i < count; i++)
        if (found[i].revision == revision && found[i].target == target && strcmp(found[i].name, name) == 0)
            return found[i].plugin;
    if (target) {
        struct xtables_target *any = xtables_find_target(name, XTF_TRY_LOAD), *tg;
        tg = any ? xtables_find_target_revision(name, XTF_TRY_LOAD, any, revision) : NULL;
        plugin = tg && !(!tg->save && any->save) ? tg : NULL;  // iptables: "[unsupported revision]"
    } else {
        struct xtables_match *any = xtables_find_match(name, XTF_TRY_LOAD, NULL), *mt;
        mt = any ? xtables_find_match_revision(name, XTF_TRY_LOAD, any, revision) : NULL;
        plugin = mt && !(!mt->save && any->save) ? mt : NULL;
    }
    if (count < (int)(sizeof found / sizeof found[0])) {
        strcpy(found[count].name, name);
        found[count].revision = revision;
        found[count].target = target;
        found[count].plugin = plugin;
        count++;
    }
    return plugin;
}

/// What iptables prints for one match (`target` 0) or target (1) record (xt_entry_match or
/// xt_entry_target, header then payload) of a rule whose IP part is `ip` (a struct ipt_ip): " -m NAME" or
/// " -j NAME" (the plugin's alias if it has one) then the plugin's save output, if it has a save
/// function. Copies up to `capacity` bytes of it to `out` (no NUL) and returns its whole length (call
/// again with more room when that is larger); -1 where iptables itself cannot print the record: no
/// plugin of that name, or none of that revision (the caller marks the record instead).
///
/// Process-wide state touched: libxtables' globals (xt_params, the IPv4 family, set once), the plugins
/// it dlopens from its library directory (kept loaded, each found once per name and revision), one
/// cookie stream and its buffers (kept; what a call leaves in the stream's buffer is taken with
/// __fpending and dropped with __fpurge, not flushed), and C's `stdout` variable, which points at that stream for the
/// length of the plugin's call (plugins print with printf; glibc lets `stdout` be assigned); one lock
/// serialises all of it. What is pending
/// in the real stdout stays in its own buffer, in order: only the variable changes, so it is not
/// flushed. Another thread printing to stdout during the call would print into the stream instead:
/// swarmlb prints from one thread.
static inline long swlb_xt_save(const void *ip, const void *record, int target, char *out, size_t capacity) {
    // Function-local: a header's file-scope statics are not emitted for Swift.
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static int ready;  // 1 initialised, -1 failed
    static struct xtables_globals globals = {
        .option_offset = 0,
        .program_name = "iptables",
        .program_version = "1.8.9",
        // The kernel's x_tables revisions decide which plugin revision is registered, as for iptables.
        .compat_rev = xtables_compatible_revision,
    };
    static struct swlb_xt_text text;
    static FILE *stream;
    const struct xt_entry_match *m = record;
    const char *name = m->u.user.name;
    const char *shown;
    void (*save)(const void *, const struct xt_entry_match *) = NULL;
    void (*save_target)(const void *, const struct xt_entry_target *) = NULL;
    long length = -1;
    pthread_mutex_lock(&lock);
    if (ready == 0) {
        struct swlb_cookie_io io = {.write = swlb_xt_text_write};
        stream = swlb_fopencookie(&text, "w", io);
        ready = !stream || setvbuf(stream, text.pending, _IOFBF, sizeof text.pending) != 0 ||
                        xtables_init_all(&globals, NFPROTO_IPV4) < 0
                    ? -1
                    : 1;
    }
    if (ready < 0 || strnlen(name, XT_EXTENSION_MAXNAMELEN) == XT_EXTENSION_MAXNAMELEN) goto out;
    const void *plugin = swlb_xt_plugin(name, m->u.user.revision, target);
    if (!plugin) goto out;
    if (target) {
        const struct xtables_target *tg = plugin;
        shown = tg->alias ? tg->alias(record) : name;
        save_target = tg->save;
    } else {
        const struct xtables_match *mt = plugin;
        shown = mt->alias ? mt->alias(record) : name;
        save = mt->save;
    }
    // The stream is empty here (emptied at the end of each call), so the words before the plugin's go
    // straight into its written part, which what overflows the stream's buffer follows.
    text.length = 0;
    size_t shownLength = strlen(shown);
    if (swlb_xt_text_write(&text, target ? " -j " : " -m ", 4) != 4 || swlb_xt_text_write(&text, shown, shownLength) != (ssize_t)shownLength)
        goto out;
    FILE *saved = stdout;
    stdout = stream;
    if (save) save(ip, record);
    if (save_target) save_target(ip, record);
    stdout = saved;
    size_t pending = __fpending(stream);
    __fpurge(stream);
    if (ferror(stream)) {
        clearerr(stream);
        goto out;
    }
    length = (long)(text.length + pending);
    size_t first = text.length < capacity ? text.length : capacity;
    memcpy(out, text.data, first);
    memcpy(out + first, text.pending, pending < capacity - first ? pending : capacity - first);
out:
    pthread_mutex_unlock(&lock);
    return length;
}

#endif
