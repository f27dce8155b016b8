// glibc calls that Swift's Glibc module hides. glibc declares them only under _GNU_SOURCE, which
// would also change structs (fd_set) that other C modules see without it; so they are declared
// here by hand, bound to glibc's own symbols, and no feature macro is set.
#ifndef SWARMLB_CLINUX_H
#define SWARMLB_CLINUX_H
#include <malloc.h>
#include <sys/socket.h>
#include <time.h>

// setns(2) restricted to network namespaces (CLONE_NEWNET).
extern int swlb_sys_setns(int fd, int nstype) __asm__("setns");
static inline int swlb_setns_net(int fd) { return swlb_sys_setns(fd, 0x40000000); }

// recvmmsg(2), waiting for the first datagram only, and sendmmsg(2): batches of datagrams.
struct swlb_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};
extern int swlb_sys_recvmmsg(int fd, struct swlb_mmsghdr *messages, unsigned int count, int flags,
                             struct timespec *timeout) __asm__("recvmmsg");
extern int swlb_sys_sendmmsg(int fd, struct swlb_mmsghdr *messages, unsigned int count, int flags) __asm__("sendmmsg");
static inline int swlb_recvmmsg_waitforone(int fd, struct swlb_mmsghdr *messages, unsigned int count) {
    return swlb_sys_recvmmsg(fd, messages, count, MSG_WAITFORONE, 0);
}
static inline int swlb_sendmmsg(int fd, struct swlb_mmsghdr *messages, unsigned int count) {
    return swlb_sys_sendmmsg(fd, messages, count, 0);
}
#endif
