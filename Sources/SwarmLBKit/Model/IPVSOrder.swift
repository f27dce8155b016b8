import Glibc

/// The order ipvsadm lists services and real servers in (its ipvs_cmp_services / ipvs_cmp_dests):
/// services by fwmark (address services, fwmark 0, first), then family (IPv4 first), protocol, address, port;
/// real servers by address, then port. Differences are taken as C's wrapping int subtraction,
/// so addresses more than 2^31 apart sort as ipvsadm sorts them.
public enum IPVSOrder {
    private static func diff(_ a: UInt32, _ b: UInt32) -> Int32 { Int32(truncatingIfNeeded: a &- b) }

    public static func before(_ a: IPVSService.Key, _ b: IPVSService.Key) -> Bool {
        typealias Words = (UInt32, UInt32, UInt32, UInt32)
        func fields(_ k: IPVSService.Key) -> (mark: UInt32, family: UInt32, proto: UInt32, address: Words, port: UInt32) {
            switch k {
            case .fwmark(let m): return (m.value, UInt32(AF_INET), 0, (0, 0, 0, 0), 0)
            case .fwmarkIPv6(let m): return (m.value, UInt32(AF_INET6), 0, (0, 0, 0, 0), 0)
            case let .address(p, addr, port):
                return (0, UInt32(addr.isIPv6 ? AF_INET6 : AF_INET), UInt32(p.number), addr.words, UInt32(port))
            }
        }
        let x = fields(a), y = fields(b)
        for (p, q) in [(x.mark, y.mark), (x.family, y.family), (x.proto, y.proto)] where diff(p, q) != 0 { return diff(p, q) < 0 }
        let d = addressDiff(x.address, y.address, ipv6: x.family == UInt32(AF_INET6))
        if d != 0 { return d < 0 }
        return diff(x.port, y.port) < 0
    }

    public static func before(_ a: RealServer, _ b: RealServer) -> Bool {
        let d = addressDiff(a.address.words, b.address.words, ipv6: a.address.isIPv6)
        return d != 0 ? d < 0 : diff(UInt32(a.port), UInt32(b.port)) < 0
    }

    /// ipvsadm compares an IPv6 address word by word, an IPv4 one as its one word (the first's family decides).
    private static func addressDiff(_ a: (UInt32, UInt32, UInt32, UInt32), _ b: (UInt32, UInt32, UInt32, UInt32), ipv6: Bool) -> Int32 {
        for (p, q) in ipv6 ? [(a.0, b.0), (a.1, b.1), (a.2, b.2), (a.3, b.3)] : [(a.0, b.0)] where diff(p, q) != 0 { return diff(p, q) }
        return 0
    }
}
