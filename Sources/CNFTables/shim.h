// Umbrella header for libnftnl + libmnl: nf_tables over netlink, as iptables-nft talks to it.
#ifndef SWARMLB_CNFTABLES_H
#define SWARMLB_CNFTABLES_H

#include <stdint.h>
// glibc's socket and in.h first: linux/netfilter.h then skips its own, conflicting, in_addr.
#include <sys/socket.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>

#endif
