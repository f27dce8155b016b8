// libxtables (iptables' extension plugins) and the one call swarmlb makes through it: an extension's
// own `save` printer, as iptables -S / iptables-save print a match or target it does not decode itself.
#ifndef SWARMLB_CXTABLES_H
#define SWARMLB_CXTABLES_H

#include <pthread.h>
#include <stdio.h>
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
/// made once and reused, so a listing of thousands of rules opens and closes no stream per call.
struct swlb_xt_text {
    char *data;
    size_t length, capacity;
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

/// What iptables prints for one match (`target` 0) or target (1) record (xt_entry_match or
/// xt_entry_target, header then payload) of a rule whose IP part is `ip` (a struct ipt_ip): " -m NAME" or
/// " -j NAME" (the plugin's alias if it has one) then the plugin's save output, if it has a save
/// function. Copies up to `capacity` bytes of it to `out` (no NUL) and returns its whole length (call
/// again with more room when that is larger); -1 where iptables itself cannot print the record: no
/// plugin of that name, or none of that revision (the caller marks the record instead).
///
/// Process-wide state touched: libxtables' globals (xt_params, the IPv4 family, set once), the plugins
/// it dlopens from its library directory (kept loaded), one cookie stream and its buffer (kept), and
/// C's `stdout` variable, which points at that stream for the length of the plugin's call (plugins
/// print with printf; glibc lets `stdout` be assigned); one lock serialises all of it, and stdout is
/// flushed first so nothing pending moves.
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
        ready = !stream || xtables_init_all(&globals, NFPROTO_IPV4) < 0 ? -1 : 1;
    }
    if (ready < 0 || strnlen(name, XT_EXTENSION_MAXNAMELEN) == XT_EXTENSION_MAXNAMELEN) goto out;
    if (target) {
        struct xtables_target *any = xtables_find_target(name, XTF_TRY_LOAD), *tg;
        if (!any) goto out;
        tg = xtables_find_target_revision(name, XTF_TRY_LOAD, any, m->u.user.revision);
        if (!tg || (!tg->save && any->save)) goto out;  // iptables: "[unsupported revision]"
        shown = tg->alias ? tg->alias(record) : name;
        save_target = tg->save;
    } else {
        struct xtables_match *any = xtables_find_match(name, XTF_TRY_LOAD, NULL), *mt;
        if (!any) goto out;
        mt = xtables_find_match_revision(name, XTF_TRY_LOAD, any, m->u.user.revision);
        if (!mt || (!mt->save && any->save)) goto out;
        shown = mt->alias ? mt->alias(record) : name;
        save = mt->save;
    }
    text.length = 0;
    fputs(target ? " -j " : " -m ", stream);  // no format to parse: a call per extension of a listing
    fputs(shown, stream);
    fflush(stdout);
    FILE *saved = stdout;
    stdout = stream;
    if (save) save(ip, record);
    if (save_target) save_target(ip, record);
    stdout = saved;
    if (fflush(stream) != 0) {
        clearerr(stream);
        goto out;
    }
    length = (long)text.length;
    memcpy(out, text.data, text.length < capacity ? text.length : capacity);
out:
    pthread_mutex_unlock(&lock);
    return length;
}

#endif
