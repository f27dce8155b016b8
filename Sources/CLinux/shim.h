// glibc's GNU-only calls that Swift's Glibc module hides (they need _GNU_SOURCE).
#ifndef SWARMLB_CLINUX_H
#define SWARMLB_CLINUX_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>

// setns(2) restricted to network namespaces.
static inline int swlb_setns_net(int fd) { return setns(fd, CLONE_NEWNET); }
#endif
