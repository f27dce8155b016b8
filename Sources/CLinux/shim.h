// glibc calls that Swift's Glibc module hides. glibc declares them only under _GNU_SOURCE, which
// would also change structs (fd_set) that other C modules see without it; so they are declared
// here by hand, bound to glibc's own symbols, and no feature macro is set.
#ifndef SWARMLB_CLINUX_H
#define SWARMLB_CLINUX_H
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <time.h>

// setns(2) restricted to network namespaces (CLONE_NEWNET).
extern int swlb_sys_setns(int fd, int nstype) __asm__("setns");
static inline int swlb_setns_net(int fd) { return swlb_sys_setns(fd, 0x40000000); }

// The filesystem magic of path (statfs(2) f_type: NSFS_MAGIC for a mounted namespace), or 0 when
// statfs fails; Swift's Glibc module leaves out <sys/vfs.h>, so statfs(2) is not visible there.
static inline long swlb_fs_type(const char *path) {
    struct statfs fs;
    return statfs(path, &fs) == 0 ? (long)fs.f_type : 0;
}

// fstatfs(2)'s f_type of an open file, or 0 when it fails.
static inline long swlb_fd_fs_type(int fd) {
    struct statfs fs;
    return fstatfs(fd, &fs) == 0 ? (long)fs.f_type : 0;
}

// strerrorname_np(3) (glibc 2.32+): the symbolic name of an errno value ("ENOENT"), or NULL.
extern const char *swlb_strerrorname_np(int errnum) __asm__("strerrorname_np");

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

// epoll(7) with the fd as the event's data (struct epoll_event is packed, awkward in Swift).
static inline int swlb_epoll_add(int epoll, int fd) {
    struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}
// Waits up to timeout_ms (-1: forever) and writes the ready fds to fds (at most 64): their count.
static inline int swlb_epoll_wait_fds(int epoll, int *fds, int max, int timeout_ms) {
    struct epoll_event events[64];
    int n = epoll_wait(epoll, events, max > 64 ? 64 : max, timeout_ms);
    for (int i = 0; i < n; i++) fds[i] = events[i].data.fd;
    return n;
}
static inline int swlb_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
#endif
