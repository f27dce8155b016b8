import Glibc

/// Addresses in raw bytes spelled as iproute2 spells them: inet_ntop for IP addresses, and
/// ll_addr_n2a for link-layer ones (colon-separated hex, IP addresses for IP tunnels).
enum IPAddressText {
    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address as inet_ntop prints it; other sizes as hex.
    static func ip(_ b: ArraySlice<UInt8>) -> String {
        b.count == 16 ? ipv6(b) : b.count == 4 ? b.map { String($0) }.joined(separator: ".") : LinkAddressText.hardware(b, type: 1)
    }

    static func ipv6(_ b: ArraySlice<UInt8>) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let bytes = Array(b.prefix(16))
        guard bytes.count == 16, inet_ntop(AF_INET6, bytes, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(cString: buffer)
    }
}

enum LinkAddressText {
    /// ll_addr_n2a: a link-layer address of a device of ARPHRD `type`.
    static func hardware(_ b: ArraySlice<UInt8>, type: UInt16) -> String {
        let tunnel: Set<UInt16> = [768, 776, 778]  // ARPHRD_TUNNEL, _SIT, _IPGRE
        let tunnel6: Set<UInt16> = [769, 823]  // ARPHRD_TUNNEL6, _IP6GRE
        if b.count == 4 && tunnel.contains(type) { return IPAddressText.ip(b) }
        if b.count == 16 && tunnel6.contains(type) { return IPAddressText.ipv6(b) }
        guard !b.isEmpty else { return "" }
        return b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }

    /// ll_type_n2a: the ARPHRD type's name, `[N]` for one iproute2 does not name.
    static func typeName(_ type: UInt16) -> String {
        let names: [UInt16: String] = [
            0: "netrom", 1: "ether", 2: "eether", 3: "ax25", 4: "pronet", 5: "chaos", 6: "ieee802", 7: "arcnet", 8: "atalk",
            15: "dlci", 19: "atm", 23: "metricom", 24: "ieee1394", 32: "infiniband", 256: "slip", 257: "cslip", 258: "slip6",
            259: "cslip6", 260: "rsrvd", 264: "adapt", 270: "rose", 271: "x25", 272: "hwx25", 280: "can", 512: "ppp",
            513: "hdlc", 516: "lapb", 517: "ddcmp", 518: "rawhdlc", 768: "ipip", 769: "tunnel6", 770: "frad", 771: "skip",
            772: "loopback", 773: "ltalk", 774: "fddi", 775: "bif", 776: "sit", 777: "ip/ddp", 778: "gre", 779: "pimreg",
            780: "hippi", 781: "ash", 782: "econet", 783: "irda", 784: "fcpp", 785: "fcal", 786: "fcpl", 787: "fcfb0",
            800: "tr", 801: "ieee802.11", 802: "ieee802.11/prism", 803: "ieee802.11/radiotap", 804: "ieee802.15.4",
            805: "ieee802.15.4/monitor", 820: "phonet", 821: "phonet_pipe", 822: "caif", 823: "gre6", 824: "netlink",
            825: "6lowpan", 65534: "none", 0xffff: "void",
        ]
        if let n = names[type] { return n }
        if type > 787 && type <= 799 { return "fcfb\(type - 787)" }
        return "[\(type)]"
    }
}
