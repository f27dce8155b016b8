import CNetlink

/// The settings of the device kinds Docker uses, decoded from IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA
/// in the order and words of iproute2 6.1's print_opt (ip/iplink_vxlan.c, iplink_bridge.c,
/// iplink_bridge_slave.c); veth, dummy and loopback print none. A later iproute2's wording
/// (7.x adds `localbypass` to vxlan, `mst_enabled` to bridge) goes in beside these, chosen by version.
enum LinkKindSettings {
    /// The settings of a device of `kind`, given its data attributes; `names` resolves ifindexes.
    static func settings(kind: String, slave: Bool, _ data: NetlinkAttributes?, names: (UInt32) -> String) -> LinkSettings {
        guard let data else { return LinkSettings() }
        switch (kind, slave) {
        case ("vxlan", false): return LinkSettings(vxlan(data, names: names))
        case ("bridge", false): return LinkSettings(bridge(data))
        case ("bridge", true): return LinkSettings(bridgePort(data, names: names))
        default: return LinkSettings()
        }
    }

    typealias S = LinkSetting

    private static func number(_ key: String, _ v: some BinaryInteger, _ words: String) -> S {
        S(key, .number(UInt64(v)), text: "\(words) \(v) ")
    }

    private static func onOff(_ key: String, _ v: UInt8, _ words: String) -> S {
        S(key, .flag(v != 0), text: "\(words) \(v != 0 ? "on" : "off") ")
    }

    /// printf's `%#llx`: 0 as "0", anything else with 0x.
    static func alternateHex(_ v: some BinaryInteger) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }

    /// A bridge timer in USER_HZ ticks as `%4i.%.2i` seconds (iproute2's __jiffies_to_tv).
    private static func timer(_ key: String, _ ticks: UInt64) -> S {
        let micro = ticks &* 10000
        let seconds = String(micro / 1_000_000)
        let hundredths = (micro % 1_000_000) / 10000
        let value = seconds + "." + (hundredths < 10 ? "0" : "") + String(hundredths)
        return S(key, .text(value), text: "\(key) \(String(repeating: " ", count: max(0, 4 - seconds.count)))\(value) ")
    }

    /// A bridge id as `%.2x%.2x.` then ether_ntoa_r's address (no leading zeros).
    private static func bridgeID(_ b: ArraySlice<UInt8>) -> String {
        guard b.count >= 8 else { return "" }
        let bytes = Array(b)
        let prio = bytes[0..<2].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return prio + "." + bytes[2..<8].map { String($0, radix: 16) }.joined(separator: ":")
    }

    private static func ipv4(_ b: ArraySlice<UInt8>) -> String { b.prefix(4).map { String($0) }.joined(separator: ".") }

    static func vxlan(_ tb: NetlinkAttributes, names: (UInt32) -> String) -> [S] {
        var out: [S] = []
        if let v = tb.u8(IFLA_VXLAN_COLLECT_METADATA), v != 0 { out.append(S("external", .flag(true), text: "external ")) }
        if let v = tb.u8(IFLA_VXLAN_VNIFILTER), v != 0 { out.append(S("vnifilter", .flag(true), text: "vnifilter")) }
        if let id = tb.u32(IFLA_VXLAN_ID) { out.append(number("id", id, "id")) }
        if let g = tb[IFLA_VXLAN_GROUP], g.count >= 4 {
            if g.contains(where: { $0 != 0 }) {
                let multicast = g.first! >= 224 && g.first! <= 239
                out.append(S(multicast ? "group" : "remote", .text(ipv4(g)), text: "\(multicast ? "group" : "remote") \(ipv4(g)) "))
            }
        } else if let g = tb[IFLA_VXLAN_GROUP6], g.count == 16, g.contains(where: { $0 != 0 }) {
            let text = IPAddressText.ipv6(g)
            let multicast = g.first! == 0xff
            out.append(S(multicast ? "group6" : "remote6", .text(text), text: "\(multicast ? "group" : "remote") \(text) "))
        }
        if let l = tb[IFLA_VXLAN_LOCAL], l.count >= 4 {
            if l.contains(where: { $0 != 0 }) { out.append(S("local", .text(ipv4(l)), text: "local \(ipv4(l)) ")) }
        } else if let l = tb[IFLA_VXLAN_LOCAL6], l.count == 16, l.contains(where: { $0 != 0 }) {
            let text = IPAddressText.ipv6(l)
            out.append(S("local6", .text(text), text: "local \(text) "))
        }
        if let link = tb.u32(IFLA_VXLAN_LINK), link != 0 { out.append(S("link", .text(names(link)), text: "dev \(names(link)) ")) }
        if let r = tb[IFLA_VXLAN_PORT_RANGE], r.count >= 4 {
            let low = UInt16(r.u8(at: 0)) << 8 | UInt16(r.u8(at: 1))
            let high = UInt16(r.u8(at: 2)) << 8 | UInt16(r.u8(at: 3))
            out.append(S("port_range_low", .number(UInt64(low)), text: "srcport \(low) \(high) "))
            out.append(S("port_range_high", .number(UInt64(high)), text: ""))
        }
        if let p = tb.be16(IFLA_VXLAN_PORT) { out.append(number("port", p, "dstport")) }
        if let l = tb.u8(IFLA_VXLAN_LEARNING) { out.append(S("learning", .flag(l != 0), text: l == 0 ? "nolearning " : "")) }
        for (attr, key) in [
            (IFLA_VXLAN_PROXY, "proxy"), (IFLA_VXLAN_RSC, "rsc"), (IFLA_VXLAN_L2MISS, "l2miss"), (IFLA_VXLAN_L3MISS, "l3miss"),
        ] {
            if let v = tb.u8(attr), v != 0 { out.append(S(key, .flag(true), text: key + " ")) }
        }
        let tos = tb.u8(IFLA_VXLAN_TOS) ?? 0
        if tos != 0 { out.append(S("tos", .text(alternateHex(tos)), text: tos == 1 ? "tos inherit " : "tos \(alternateHex(tos)) ")) }
        if let inherit = tb.u8(IFLA_VXLAN_TTL_INHERIT), inherit != 0 {
            out.append(S("ttl_inherit", .flag(true), text: "ttl inherit "))
        } else if let ttl = tb.u8(IFLA_VXLAN_TTL) {
            out.append(S("ttl", .number(UInt64(ttl)), text: ttl == 0 ? "ttl auto " : "ttl \(ttl) "))
        }
        if let df = tb.u8(IFLA_VXLAN_DF) {
            let word = df == 0 ? "unset" : df == 1 ? "set" : df == 2 ? "inherit" : nil
            if let word { out.append(S("df", .text(word), text: df == 0 ? "" : "df \(word) ")) }
        }
        if let label = tb.u32(IFLA_VXLAN_LABEL), label != 0 {
            let h = alternateHex(UInt32(bigEndian: label))
            out.append(S("label", .text(h), text: "flowlabel \(h) "))
        }
        if let age = tb.u32(IFLA_VXLAN_AGEING) {
            out.append(S("ageing", .number(UInt64(age)), text: age == 0 ? "ageing none " : "ageing \(age) "))
        }
        if let limit = tb.u32(IFLA_VXLAN_LIMIT), limit != 0 { out.append(number("limit", limit, "maxaddr")) }
        for (attr, key, word) in [
            (IFLA_VXLAN_UDP_CSUM, "udp_csum", "udpcsum"), (IFLA_VXLAN_UDP_ZERO_CSUM6_TX, "udp_zero_csum6_tx", "udp6zerocsumtx"),
            (IFLA_VXLAN_UDP_ZERO_CSUM6_RX, "udp_zero_csum6_rx", "udp6zerocsumrx"),
        ] {
            if let v = tb.u8(attr) { out.append(S(key, .flag(v != 0), text: (v == 0 ? "no" : "") + word + " ")) }
        }
        if let v = tb.u8(IFLA_VXLAN_REMCSUM_TX), v != 0 { out.append(S("remcsum_tx", .flag(true), text: "remcsumtx ")) }
        if let v = tb.u8(IFLA_VXLAN_REMCSUM_RX), v != 0 { out.append(S("remcsum_rx", .flag(true), text: "remcsumrx ")) }
        if tb.has(IFLA_VXLAN_GBP) { out.append(S("gbp", .flag(true), text: "gbp ")) }
        if tb.has(IFLA_VXLAN_GPE) { out.append(S("gpe", .flag(true), text: "gpe ")) }
        return out
    }

    static func bridge(_ tb: NetlinkAttributes) -> [S] {
        var out: [S] = []
        func u32(_ attr: Int, _ key: String, _ words: String? = nil) {
            if let v = tb.u32(attr) { out.append(number(key, v, words ?? key)) }
        }
        func u16(_ attr: Int, _ key: String, _ words: String? = nil) {
            if let v = tb.u16(attr) { out.append(number(key, v, words ?? key)) }
        }
        func u8(_ attr: Int, _ key: String, _ words: String? = nil) {
            if let v = tb.u8(attr) { out.append(number(key, v, words ?? key)) }
        }
        func u64(_ attr: Int, _ key: String, _ words: String) {
            if let v = tb.u64(attr) { out.append(number(key, v, words)) }
        }
        func timer(_ attr: Int, _ key: String) {
            if let v = tb.u64(attr) { out.append(Self.timer(key, v)) }
        }
        u32(IFLA_BR_FORWARD_DELAY, "forward_delay")
        u32(IFLA_BR_HELLO_TIME, "hello_time")
        u32(IFLA_BR_MAX_AGE, "max_age")
        u32(IFLA_BR_AGEING_TIME, "ageing_time")
        u32(IFLA_BR_STP_STATE, "stp_state")
        u16(IFLA_BR_PRIORITY, "priority")
        u8(IFLA_BR_VLAN_FILTERING, "vlan_filtering")
        if let p = tb.u16(IFLA_BR_VLAN_PROTOCOL) {
            let proto = UInt16(bigEndian: p)
            let name = proto == 0x8100 ? "802.1Q" : proto == 0x88a8 ? "802.1ad" : "0x" + hex4(proto)
            out.append(S("vlan_protocol", .text(name), text: "vlan_protocol \(name) "))
        }
        if let id = tb[IFLA_BR_BRIDGE_ID] {
            out.append(S("bridge_id", .text(bridgeID(id)), text: "bridge_id \(bridgeID(id)) "))
            // iproute2 prints the bridge id again as the designated root (its own slip).
            if tb.has(IFLA_BR_ROOT_ID) { out.append(S("root_id", .text(bridgeID(id)), text: "designated_root \(bridgeID(id)) ")) }
        }
        u16(IFLA_BR_ROOT_PORT, "root_port")
        u32(IFLA_BR_ROOT_PATH_COST, "root_path_cost")
        u8(IFLA_BR_TOPOLOGY_CHANGE, "topology_change")
        u8(IFLA_BR_TOPOLOGY_CHANGE_DETECTED, "topology_change_detected")
        timer(IFLA_BR_HELLO_TIMER, "hello_timer")
        timer(IFLA_BR_TCN_TIMER, "tcn_timer")
        timer(IFLA_BR_TOPOLOGY_CHANGE_TIMER, "topology_change_timer")
        timer(IFLA_BR_GC_TIMER, "gc_timer")
        u16(IFLA_BR_VLAN_DEFAULT_PVID, "vlan_default_pvid")
        u8(IFLA_BR_VLAN_STATS_ENABLED, "vlan_stats_enabled")
        u8(IFLA_BR_VLAN_STATS_PER_PORT, "vlan_stats_per_port")
        if let m = tb.u16(IFLA_BR_GROUP_FWD_MASK) {
            out.append(S("group_fwd_mask", .text(alternateHex(m)), text: "group_fwd_mask \(alternateHex(m)) "))
        }
        if let a = tb[IFLA_BR_GROUP_ADDR] {
            let mac = LinkAddressText.hardware(a, type: 1)
            out.append(S("group_addr", .text(mac), text: "group_address \(mac) "))
        }
        u8(IFLA_BR_MCAST_SNOOPING, "mcast_snooping")
        if let b = tb[IFLA_BR_MULTI_BOOLOPT], b.count >= 8 {
            let value = b.u32(at: 0)
            let mask = b.u32(at: 4)
            let noLinkLocalLearn: UInt32 = 1 << 0
            let vlanSnooping: UInt32 = 1 << 1
            if mask & noLinkLocalLearn != 0 {
                out.append(number("no_linklocal_learn", value & noLinkLocalLearn != 0 ? 1 : 0, "no_linklocal_learn"))
            }
            if mask & vlanSnooping != 0 {
                out.append(number("mcast_vlan_snooping", value & vlanSnooping != 0 ? 1 : 0, "mcast_vlan_snooping"))
            }
        }
        u8(IFLA_BR_MCAST_ROUTER, "mcast_router")
        u8(IFLA_BR_MCAST_QUERY_USE_IFADDR, "mcast_query_use_ifaddr")
        u8(IFLA_BR_MCAST_QUERIER, "mcast_querier")
        u32(IFLA_BR_MCAST_HASH_ELASTICITY, "mcast_hash_elasticity")
        u32(IFLA_BR_MCAST_HASH_MAX, "mcast_hash_max")
        u32(IFLA_BR_MCAST_LAST_MEMBER_CNT, "mcast_last_member_cnt", "mcast_last_member_count")
        u32(IFLA_BR_MCAST_STARTUP_QUERY_CNT, "mcast_startup_query_cnt", "mcast_startup_query_count")
        u64(IFLA_BR_MCAST_LAST_MEMBER_INTVL, "mcast_last_member_intvl", "mcast_last_member_interval")
        u64(IFLA_BR_MCAST_MEMBERSHIP_INTVL, "mcast_membership_intvl", "mcast_membership_interval")
        u64(IFLA_BR_MCAST_QUERIER_INTVL, "mcast_querier_intvl", "mcast_querier_interval")
        u64(IFLA_BR_MCAST_QUERY_INTVL, "mcast_query_intvl", "mcast_query_interval")
        u64(IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, "mcast_query_response_intvl", "mcast_query_response_interval")
        u64(IFLA_BR_MCAST_STARTUP_QUERY_INTVL, "mcast_startup_query_intvl", "mcast_startup_query_interval")
        u8(IFLA_BR_MCAST_STATS_ENABLED, "mcast_stats_enabled")
        u8(IFLA_BR_MCAST_IGMP_VERSION, "mcast_igmp_version")
        u8(IFLA_BR_MCAST_MLD_VERSION, "mcast_mld_version")
        u8(IFLA_BR_NF_CALL_IPTABLES, "nf_call_iptables")
        u8(IFLA_BR_NF_CALL_IP6TABLES, "nf_call_ip6tables")
        u8(IFLA_BR_NF_CALL_ARPTABLES, "nf_call_arptables")
        return out
    }

    private static func hex4(_ v: UInt16) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    private static let portStates = ["disabled", "listening", "learning", "forwarding", "blocking"]
    private static let forwardMaskNames: [Int: String] = [0: "stp", 2: "lacp", 14: "lldp"]

    static func bridgePort(_ tb: NetlinkAttributes, names: (UInt32) -> String) -> [S] {
        var out: [S] = []
        func onOff(_ attr: Int, _ key: String, _ words: String? = nil) {
            if let v = tb.u8(attr) { out.append(Self.onOff(key, v, words ?? key)) }
        }
        func timer(_ attr: Int, _ key: String) {
            if let v = tb.u64(attr) { out.append(Self.timer(key, v)) }
        }
        if let s = tb.u8(IFLA_BRPORT_STATE) {
            if Int(s) < portStates.count {
                out.append(S("state", .text(portStates[Int(s)]), text: "state \(portStates[Int(s)]) "))
            } else {
                out.append(S("state_index", .number(UInt64(s)), text: "state (\(s)) "))
            }
        }
        if let v = tb.u16(IFLA_BRPORT_PRIORITY) { out.append(number("priority", v, "priority")) }
        if let v = tb.u32(IFLA_BRPORT_COST) { out.append(S("cost", .number(UInt64(v)), text: "cost \(Int32(bitPattern: v)) ")) }
        onOff(IFLA_BRPORT_MODE, "hairpin")
        onOff(IFLA_BRPORT_GUARD, "guard")
        onOff(IFLA_BRPORT_PROTECT, "root_block")
        onOff(IFLA_BRPORT_FAST_LEAVE, "fastleave")
        onOff(IFLA_BRPORT_LEARNING, "learning")
        onOff(IFLA_BRPORT_UNICAST_FLOOD, "flood")
        if let v = tb.u16(IFLA_BRPORT_ID) { out.append(S("id", .text(alternateHex(v)), text: "port_id \(alternateHex(v)) ")) }
        if let v = tb.u16(IFLA_BRPORT_NO) { out.append(S("no", .text(alternateHex(v)), text: "port_no \(alternateHex(v)) ")) }
        if let v = tb.u16(IFLA_BRPORT_DESIGNATED_PORT) { out.append(number("designated_port", v, "designated_port")) }
        if let v = tb.u16(IFLA_BRPORT_DESIGNATED_COST) { out.append(number("designated_cost", v, "designated_cost")) }
        if let id = tb[IFLA_BRPORT_BRIDGE_ID] {
            out.append(S("bridge_id", .text(bridgeID(id)), text: "designated_bridge \(bridgeID(id)) "))
        }
        if let id = tb[IFLA_BRPORT_ROOT_ID] { out.append(S("root_id", .text(bridgeID(id)), text: "designated_root \(bridgeID(id)) ")) }
        timer(IFLA_BRPORT_HOLD_TIMER, "hold_timer")
        timer(IFLA_BRPORT_MESSAGE_AGE_TIMER, "message_age_timer")
        timer(IFLA_BRPORT_FORWARD_DELAY_TIMER, "forward_delay_timer")
        if let v = tb.u8(IFLA_BRPORT_TOPOLOGY_CHANGE_ACK) { out.append(number("topology_change_ack", v, "topology_change_ack")) }
        if let v = tb.u8(IFLA_BRPORT_CONFIG_PENDING) { out.append(number("config_pending", v, "config_pending")) }
        onOff(IFLA_BRPORT_PROXYARP, "proxy_arp")
        onOff(IFLA_BRPORT_PROXYARP_WIFI, "proxy_arp_wifi")
        if let v = tb.u8(IFLA_BRPORT_MULTICAST_ROUTER) { out.append(number("multicast_router", v, "mcast_router")) }
        if let v = tb.u8(IFLA_BRPORT_FAST_LEAVE) {
            out.append(S("mcast_fast_leave", .flag(v != 0), text: "mcast_fast_leave \(v != 0 ? "on" : "off") "))
        }
        onOff(IFLA_BRPORT_MCAST_FLOOD, "mcast_flood")
        onOff(IFLA_BRPORT_BCAST_FLOOD, "bcast_flood")
        onOff(IFLA_BRPORT_MCAST_TO_UCAST, "mcast_to_unicast")
        onOff(IFLA_BRPORT_NEIGH_SUPPRESS, "neigh_suppress")
        if let m = tb.u16(IFLA_BRPORT_GROUP_FWD_MASK) {
            out.append(S("group_fwd_mask", .text(alternateHex(m)), text: "group_fwd_mask \(alternateHex(m)) "))
            var words: [String] = []
            for bit in 0..<16 where m & (1 << bit) != 0 { words.append(forwardMaskNames[bit] ?? "0x" + String(1 << bit, radix: 16)) }
            let text = words.isEmpty ? "0x0" : words.joined(separator: ",")
            out.append(S("group_fwd_mask_str", .text(text), text: "group_fwd_mask_str \(text) "))
        }
        onOff(IFLA_BRPORT_VLAN_TUNNEL, "vlan_tunnel")
        onOff(IFLA_BRPORT_ISOLATED, "isolated")
        onOff(IFLA_BRPORT_LOCKED, "locked")
        if let p = tb.u32(IFLA_BRPORT_BACKUP_PORT) { out.append(S("backup_port", .text(names(p)), text: "backup_port \(names(p)) ")) }
        return out
    }
}
