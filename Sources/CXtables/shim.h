// libxtables (iptables' extension plugins) and the one call swarmlb makes through it: an extension's
// own `save` printer, as iptables -S / iptables-save print a match or target it does not decode itself.
#ifndef SWARMLB_CXTABLES_H
#define SWARMLB_CXTABLES_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <xtables.h>

/// What iptables prints for one match (`target` 0) or target (1) record (xt_entry_match or
/// xt_entry_target, header then payload) of a rule whose IP part is `ip` (a struct ipt_ip): " -m NAME" or " -j NAME"
/// (the plugin's alias if it has one) then the plugin's save output, if it has a save function. NULL
/// where iptables itself cannot print the record: no plugin of that name, or none of that revision
/// (the caller marks the record instead). The result is
/// malloc'ed (free it).
///
/// Process-wide state touched: libxtables' globals (xt_params, the IPv4 family, set once), the plugins
/// it dlopens from its library directory (kept loaded), and C's `stdout` variable, which points at a
/// memory stream for the length of the plugin's call (plugins print with printf; glibc lets `stdout` be
/// assigned); one lock serialises all of it, and stdout is flushed first so nothing pending moves.
static inline char *swlb_xt_save(const void *ip, const void *record, int target) {
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
    const struct xt_entry_match *m = record;
    const char *name = m->u.user.name;
    char *text = NULL;
    size_t length = 0;
    pthread_mutex_lock(&lock);
    if (ready == 0) ready = xtables_init_all(&globals, NFPROTO_IPV4) < 0 ? -1 : 1;
    if (ready < 0 || strnlen(name, XT_EXTENSION_MAXNAMELEN) == XT_EXTENSION_MAXNAMELEN) goto out;
    if (target) {
        struct xtables_target *any = xtables_find_target(name, XTF_TRY_LOAD), *tg;
        if (!any) goto out;
        tg = xtables_find_target_revision(name, XTF_TRY_LOAD, any, m->u.user.revision);
        if (!tg || (!tg->save && any->save)) goto out;  // iptables: "[unsupported revision]"
        fflush(stdout);
        FILE *saved = stdout, *stream = open_memstream(&text, &length);
        if (!stream) goto out;
        fprintf(stream, " -j %s", tg->alias ? tg->alias(record) : name);
        stdout = stream;
        if (tg->save) tg->save(ip, record);
        stdout = saved;
        fclose(stream);
    } else {
        struct xtables_match *any = xtables_find_match(name, XTF_TRY_LOAD, NULL), *mt;
        if (!any) goto out;
        mt = xtables_find_match_revision(name, XTF_TRY_LOAD, any, m->u.user.revision);
        if (!mt || (!mt->save && any->save)) goto out;
        fflush(stdout);
        FILE *saved = stdout, *stream = open_memstream(&text, &length);
        if (!stream) goto out;
        fprintf(stream, " -m %s", mt->alias ? mt->alias(record) : name);
        stdout = stream;
        if (mt->save) mt->save(ip, record);
        stdout = saved;
        fclose(stream);
    }
out:
    pthread_mutex_unlock(&lock);
    return text;
}

#endif
