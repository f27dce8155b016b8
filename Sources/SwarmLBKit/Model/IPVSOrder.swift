/// The order ipvsadm lists services and real servers in (its ipvs_cmp_services / ipvs_cmp_dests):
/// services by fwmark (address services, fwmark 0, first), then protocol, address, port;
/// real servers by address, then port. Differences are taken as C's wrapping int subtraction,
/// so addresses more than 2^31 apart sort as ipvsadm sorts them.
public enum IPVSOrder {
    private static func diff(_ a: UInt32, _ b: UInt32) -> Int32 { Int32(truncatingIfNeeded: a &- b) }

    public static func before(_ a: IPVSService.Key, _ b: IPVSService.Key) -> Bool {
        func fields(_ k: IPVSService.Key) -> (UInt32, UInt32, UInt32, UInt32) {
            switch k {
            case .fwmark(let m): return (m.value, 0, 0, 0)
            case let .address(p, addr, port): return (0, UInt32(p.number), addr.value, UInt32(port))
            }
        }
        let (f1, p1, a1, o1) = fields(a), (f2, p2, a2, o2) = fields(b)
        for (x, y) in [(f1, f2), (p1, p2), (a1, a2)] where diff(x, y) != 0 { return diff(x, y) < 0 }
        return diff(o1, o2) < 0
    }

    public static func before(_ a: RealServer, _ b: RealServer) -> Bool {
        let d = diff(a.address.value, b.address.value)
        return d != 0 ? d < 0 : diff(UInt32(a.port), UInt32(b.port)) < 0
    }
}
