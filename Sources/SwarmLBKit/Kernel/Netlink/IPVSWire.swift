import CNetlink
import Glibc

/// The IPVS generic netlink attribute encoding (linux/ip_vs.h): services and destinations
/// to and from nested attributes.
enum IPVSWire {
    typealias Attributes = [UnsafeMutablePointer<nlattr>?]

    static func parse(_ msg: OpaquePointer, max: Int) -> Attributes {
        var tb = Attributes(repeating: nil, count: max + 1)
        _ = genlmsg_parse(nlmsg_hdr(msg), 0, &tb, Int32(max), nil)
        return tb
    }

    static func nested(_ attr: UnsafeMutablePointer<nlattr>?, max: Int) -> Attributes? {
        guard let attr else { return nil }
        var tb = Attributes(repeating: nil, count: max + 1)
        guard nla_parse_nested(&tb, Int32(max), attr, nil) == 0 else { return nil }
        return tb
    }

    static func u16(_ a: UnsafeMutablePointer<nlattr>?) -> UInt16 { a.map { nla_get_u16($0) } ?? 0 }
    static func u32(_ a: UnsafeMutablePointer<nlattr>?) -> UInt32 { a.map { nla_get_u32($0) } ?? 0 }
    static func ipv4(_ a: UnsafeMutablePointer<nlattr>?) -> IPv4Address {
        guard let a, nla_len(a) >= 4 else { return IPv4Address(0) }
        return IPv4Address(networkOrder: nla_data(a)!.loadUnaligned(as: UInt32.self))
    }
    /// A `union nf_inet_addr` attribute read as the family says.
    static func address(_ a: UnsafeMutablePointer<nlattr>?, family: UInt16) -> IPAddress {
        guard family == AF_INET6 else { return .v4(ipv4(a)) }
        guard let a, nla_len(a) >= 16 else { return .v6(IPv6Address(words: (0, 0, 0, 0))) }
        return .v6(IPv6Address(bytes: UnsafeRawBufferPointer(start: nla_data(a), count: 16)))
    }

    static func service(from attr: UnsafeMutablePointer<nlattr>?) -> IPVSService? {
        guard let tb = nested(attr, max: Int(swlb_ipvs_svc_attr_max())) else { return nil }
        let family = u16(tb[Int(IPVS_SVC_ATTR_AF)])
        guard family == AF_INET || family == AF_INET6 else { return nil }
        let key: IPVSService.Key
        let mark = u32(tb[Int(IPVS_SVC_ATTR_FWMARK)])
        if mark != 0 {
            key = family == AF_INET6 ? .fwmarkIPv6(FirewallMark(mark)) : .fwmark(FirewallMark(mark))
        } else {
            guard let proto = TransportPort.Proto(number: u16(tb[Int(IPVS_SVC_ATTR_PROTOCOL)])) else { return nil }
            key = .address(
                proto, address(tb[Int(IPVS_SVC_ATTR_ADDR)], family: family),
                UInt16(bigEndian: u16(tb[Int(IPVS_SVC_ATTR_PORT)])))
        }
        let schedName = tb[Int(IPVS_SVC_ATTR_SCHED_NAME)].map { String(cString: nla_get_string($0)) } ?? "rr"
        let peName = tb[Int(IPVS_SVC_ATTR_PE_NAME)].map { String(cString: nla_get_string($0)) }
        var flags = ip_vs_flags()
        if let f = tb[Int(IPVS_SVC_ATTR_FLAGS)] { _ = nla_memcpy(&flags, f, Int32(MemoryLayout<ip_vs_flags>.size)) }
        let persistent = flags.flags & UInt32(IP_VS_SVC_F_PERSISTENT) != 0
        return IPVSService(
            key: key,
            scheduler: IPVSScheduler(rawValue: schedName) ?? .rr,
            persistence: persistent ? u32(tb[Int(IPVS_SVC_ATTR_TIMEOUT)]) : nil,
            netmask: u32(tb[Int(IPVS_SVC_ATTR_NETMASK)]),
            flags: IPVSService.Flags(rawValue: flags.flags & ~UInt32(IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_HASHED)),
            persistenceEngine: peName?.isEmpty == false ? peName : nil)
    }

    /// The counters of a service attribute nest (STATS64, or the older STATS with 32-bit packet counts).
    static func serviceStats(from attr: UnsafeMutablePointer<nlattr>?) -> IPVSStats {
        guard let tb = nested(attr, max: Int(swlb_ipvs_svc_attr_max())) else { return IPVSStats() }
        return stats(tb[Int(IPVS_SVC_ATTR_STATS64)] ?? tb[Int(IPVS_SVC_ATTR_STATS)])
    }

    private static func stats(_ attr: UnsafeMutablePointer<nlattr>?) -> IPVSStats {
        var s = IPVSStats()
        guard let tb = nested(attr, max: Int(swlb_ipvs_stats_attr_max())) else { return s }
        func value(_ type: some BinaryInteger) -> UInt64 {
            guard let a = tb[Int(type)] else { return 0 }
            return nla_len(a) >= 8 ? nla_get_u64(a) : UInt64(nla_get_u32(a))
        }
        s.connections = value(IPVS_STATS_ATTR_CONNS)
        s.inPackets = value(IPVS_STATS_ATTR_INPKTS)
        s.outPackets = value(IPVS_STATS_ATTR_OUTPKTS)
        s.inBytes = value(IPVS_STATS_ATTR_INBYTES)
        s.outBytes = value(IPVS_STATS_ATTR_OUTBYTES)
        s.connectionsPerSecond = value(IPVS_STATS_ATTR_CPS)
        s.inPacketsPerSecond = value(IPVS_STATS_ATTR_INPPS)
        s.outPacketsPerSecond = value(IPVS_STATS_ATTR_OUTPPS)
        s.inBytesPerSecond = value(IPVS_STATS_ATTR_INBPS)
        s.outBytesPerSecond = value(IPVS_STATS_ATTR_OUTBPS)
        return s
    }

    static func real(from attr: UnsafeMutablePointer<nlattr>?, serviceFamily: UInt16) -> RealServer? {
        guard let tb = nested(attr, max: Int(swlb_ipvs_dest_attr_max())) else { return nil }
        // Older kernels send no family: the destination's is the service's.
        let family = tb[Int(IPVS_DEST_ATTR_ADDR_FAMILY)].map { nla_get_u16($0) } ?? serviceFamily
        guard family == AF_INET || family == AF_INET6 else { return nil }
        var real = RealServer(
            address: address(tb[Int(IPVS_DEST_ATTR_ADDR)], family: family),
            port: UInt16(bigEndian: u16(tb[Int(IPVS_DEST_ATTR_PORT)])),
            weight: Int32(bitPattern: u32(tb[Int(IPVS_DEST_ATTR_WEIGHT)])),
            forwarding: ForwardingMethod(kernelValue: u32(tb[Int(IPVS_DEST_ATTR_FWD_METHOD)])),
            upperThreshold: u32(tb[Int(IPVS_DEST_ATTR_U_THRESH)]),
            lowerThreshold: u32(tb[Int(IPVS_DEST_ATTR_L_THRESH)]),
            activeConnections: u32(tb[Int(IPVS_DEST_ATTR_ACTIVE_CONNS)]),
            inactiveConnections: u32(tb[Int(IPVS_DEST_ATTR_INACT_CONNS)]))
        real.persistentConnections = u32(tb[Int(IPVS_DEST_ATTR_PERSIST_CONNS)])
        real.stats = stats(tb[Int(IPVS_DEST_ATTR_STATS64)] ?? tb[Int(IPVS_DEST_ATTR_STATS)])
        return real
    }

    private static func check(_ r: Int32) throws(KernelError) {
        if r < 0 { throw .netlink(operation: "building", object: "IPVS message", errno: NetlinkSocket.errno(fromNL: r)) }
    }

    private static func putAddress(_ msg: OpaquePointer, _ type: some BinaryInteger, _ a: IPAddress) throws(KernelError) {
        var inet = a.words  // union nf_inet_addr
        inet = (inet.0.bigEndian, inet.1.bigEndian, inet.2.bigEndian, inet.3.bigEndian)
        try check(nla_put(msg, Int32(type), 16, &inet))
    }

    static func family(_ key: IPVSService.Key) -> UInt16 { UInt16(key.isIPv6 ? AF_INET6 : AF_INET) }

    /// The attributes that identify a service (AF plus fwmark, or protocol/address/port), in a nest.
    static func putServiceKey(_ msg: OpaquePointer, _ key: IPVSService.Key) throws(KernelError) {
        let nest = nla_nest_start(msg, Int32(IPVS_CMD_ATTR_SERVICE))
        try putKeyAttributes(msg, key)
        try check(nla_nest_end(msg, nest))
    }

    private static func putKeyAttributes(_ msg: OpaquePointer, _ key: IPVSService.Key) throws(KernelError) {
        try check(nla_put_u16(msg, Int32(IPVS_SVC_ATTR_AF), family(key)))
        switch key {
        case .fwmark(let m), .fwmarkIPv6(let m):
            try check(nla_put_u32(msg, Int32(IPVS_SVC_ATTR_FWMARK), m.value))
        case let .address(proto, addr, port):
            try check(nla_put_u16(msg, Int32(IPVS_SVC_ATTR_PROTOCOL), proto.number))
            try putAddress(msg, IPVS_SVC_ATTR_ADDR, addr)
            try check(nla_put_u16(msg, Int32(IPVS_SVC_ATTR_PORT), port.bigEndian))
        }
    }

    static func putService(_ msg: OpaquePointer, _ s: IPVSService) throws(KernelError) {
        let nest = nla_nest_start(msg, Int32(IPVS_CMD_ATTR_SERVICE))
        try putKeyAttributes(msg, s.key)
        try check(nla_put_string(msg, Int32(IPVS_SVC_ATTR_SCHED_NAME), s.scheduler.rawValue))
        var flags = ip_vs_flags(flags: s.flags.rawValue | (s.persistence != nil ? UInt32(IP_VS_SVC_F_PERSISTENT) : 0), mask: ~0)
        try check(nla_put(msg, Int32(IPVS_SVC_ATTR_FLAGS), Int32(MemoryLayout<ip_vs_flags>.size), &flags))
        try check(nla_put_u32(msg, Int32(IPVS_SVC_ATTR_TIMEOUT), s.persistence ?? 0))
        try check(nla_put_u32(msg, Int32(IPVS_SVC_ATTR_NETMASK), s.netmask))
        if let pe = s.persistenceEngine { try check(nla_put_string(msg, Int32(IPVS_SVC_ATTR_PE_NAME), pe)) }
        try check(nla_nest_end(msg, nest))
    }

    static func putReal(_ msg: OpaquePointer, _ r: RealServer, full: Bool) throws(KernelError) {
        let nest = nla_nest_start(msg, Int32(IPVS_CMD_ATTR_DEST))
        try putAddress(msg, IPVS_DEST_ATTR_ADDR, r.address)
        try check(nla_put_u16(msg, Int32(IPVS_DEST_ATTR_PORT), r.port.bigEndian))
        try check(nla_put_u16(msg, Int32(IPVS_DEST_ATTR_ADDR_FAMILY), UInt16(r.address.isIPv6 ? AF_INET6 : AF_INET)))
        if full {
            try check(nla_put_u32(msg, Int32(IPVS_DEST_ATTR_FWD_METHOD), r.forwarding.kernelValue))
            try check(nla_put_u32(msg, Int32(IPVS_DEST_ATTR_WEIGHT), UInt32(bitPattern: r.weight)))
            try check(nla_put_u32(msg, Int32(IPVS_DEST_ATTR_U_THRESH), r.upperThreshold))
            try check(nla_put_u32(msg, Int32(IPVS_DEST_ATTR_L_THRESH), r.lowerThreshold))
        }
        try check(nla_nest_end(msg, nest))
    }
}
