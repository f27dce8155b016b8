// Umbrella header for libip4tc and the xtables match/target payloads swarmlb encodes.
#ifndef SWARMLB_CIPTC_H
#define SWARMLB_CIPTC_H

#include <netinet/in.h>
#include <libiptc/libiptc.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_ipvs.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_sctp.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/nf_log.h>
#undef bytes  /* xt_sctp.h's helper macro, too common a word to leave defined */
#include <linux/netfilter_ipv4.h>

// Sizes and alignment from the xtables ABI (XT_ALIGN is a macro Swift cannot import).
static inline unsigned int swlb_xt_align(unsigned int size) { return XT_ALIGN(size); }
static inline unsigned int swlb_ipt_entry_size(void) { return sizeof(struct ipt_entry); }
static inline unsigned int swlb_xt_entry_match_size(void) { return sizeof(struct xt_entry_match); }
static inline unsigned int swlb_xt_entry_target_size(void) { return sizeof(struct xt_entry_target); }
static inline unsigned int swlb_xt_standard_target_size(void) { return sizeof(struct xt_standard_target); }
static inline unsigned int swlb_nf_nat_range2_size(void) { return sizeof(struct nf_nat_range2); }
static inline unsigned int swlb_nf_nat_range_size(void) { return sizeof(struct nf_nat_range); }
static inline unsigned int swlb_nat_compat_size(void) { return sizeof(struct nf_nat_ipv4_multi_range_compat); }
static inline unsigned int swlb_xt_ipvs_size(void) { return sizeof(struct xt_ipvs_mtinfo); }
static inline unsigned int swlb_xt_tcp_size(void) { return sizeof(struct xt_tcp); }
static inline unsigned int swlb_xt_udp_size(void) { return sizeof(struct xt_udp); }
static inline unsigned int swlb_xt_addrtype_v1_size(void) { return sizeof(struct xt_addrtype_info_v1); }
static inline unsigned int swlb_xt_mark_tginfo2_size(void) { return sizeof(struct xt_mark_tginfo2); }
static inline unsigned int swlb_xt_mark_mtinfo1_size(void) { return sizeof(struct xt_mark_mtinfo1); }
static inline unsigned int swlb_xt_conntrack_mtinfo3_size(void) { return sizeof(struct xt_conntrack_mtinfo3); }
static inline unsigned int swlb_xt_state_info_size(void) { return sizeof(struct xt_state_info); }
static inline unsigned int swlb_xt_comment_info_size(void) { return sizeof(struct xt_comment_info); }
static inline unsigned int swlb_xt_sctp_info_size(void) { return sizeof(struct xt_sctp_info); }
static inline unsigned int swlb_xt_rateinfo_size(void) { return sizeof(struct xt_rateinfo); }

#endif
