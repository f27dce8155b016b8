// Umbrella header for libnl-3 (generic netlink for IPVS, rtnetlink for addresses, links and neighbours) and the IPVS sockopt interface.
#ifndef SWARMLB_CNETLINK_H
#define SWARMLB_CNETLINK_H

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>
#include <linux/ip_vs.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stddef.h>

// Macros Swift cannot import, as functions.
static inline int swlb_nl_auto_port(void) { return NL_AUTO_PORT; }
static inline int swlb_nl_auto_seq(void) { return NL_AUTO_SEQ; }
static inline int swlb_nlmsgerr_errno(struct nlmsgerr *e) { return -e->error; }
static inline int swlb_iff_up(void) { return IFF_UP; }
static inline int swlb_ipvs_cmd_attr_max(void) { return IPVS_CMD_ATTR_MAX; }
static inline int swlb_ipvs_svc_attr_max(void) { return IPVS_SVC_ATTR_MAX; }
static inline int swlb_ipvs_dest_attr_max(void) { return IPVS_DEST_ATTR_MAX; }
static inline int swlb_ipvs_info_attr_max(void) { return IPVS_INFO_ATTR_MAX; }
static inline int swlb_ipvs_stats_attr_max(void) { return IPVS_STATS_ATTR_MAX; }
static inline int swlb_ip_vs_so_get_info(void) { return IP_VS_SO_GET_INFO; }
static inline int swlb_ip_vs_so_get_services(void) { return IP_VS_SO_GET_SERVICES; }
static inline int swlb_ip_vs_so_get_dests(void) { return IP_VS_SO_GET_DESTS; }
// Where the entries of the two sockopt tables with a flexible array begin.
static inline size_t swlb_ip_vs_services_offset(void) { return offsetof(struct ip_vs_get_services, entrytable); }
static inline size_t swlb_ip_vs_dests_offset(void) { return offsetof(struct ip_vs_get_dests, entrytable); }

#endif
