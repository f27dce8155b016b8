// Umbrella header for libnl-3 (generic netlink for IPVS, rtnetlink for addresses, links and neighbours).
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

#endif
