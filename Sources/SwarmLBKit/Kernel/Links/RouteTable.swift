import CNetlink
import Glibc

/// The routing tables of the current namespace over rtnetlink (RTM_GETROUTE). Mirrors `ip route show`
/// and `ip route show table all`.
public final class RouteTable {
    private let socket: NetlinkSocket
    private let links: LinkTable
    private lazy var names = IPRouteNames.read()

    public init() throws(KernelError) {
        socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
        links = try LinkTable()
    }

    private enum Attribute {
        static let dst = 1, src = 2, iif = 3, oif = 4, gateway = 5, priority = 6, prefsrc = 7, metrics = 8
        static let cacheinfo = 12, table = 15, mark = 16, via = 18, pref = 20, uid = 25, nexthopID = 30
    }

    /// The routes `ip route show` prints (IPv4, main table), or with `allTables` those of `ip route
    /// show table all` (every family and table); route cache entries left out, as ip does.
    public func routes(allTables: Bool = false) throws(KernelError) -> [RouteEntry] {
        let devices = LinkTable.DeviceIndex(try links.rawLinks())
        var header = [UInt8](repeating: 0, count: 12)  // rtmsg
        header[0] = UInt8(allTables ? AF_UNSPEC : AF_INET)
        let answers = try socket.dump(Int32(RTM_GETROUTE), header: header, operation: "listing", object: "routes")
        var routes: [RouteEntry] = []
        for m in answers where m.type == UInt16(RTM_NEWROUTE) && m.payload.count >= 12 {
            let h = m.payload
            let family = h.u8(at: 0)
            let flags = h.u32(at: 8)
            let tb = m.attributes(after: 12)
            let tableID = tb.u32(Attribute.table) ?? UInt32(h.u8(at: 4))
            if flags & 0x200 != 0 { continue }  // RTM_F_CLONED
            if !allTables && (family != UInt8(AF_INET) || tableID != 254) { continue }
            routes.append(route(h, tb, tableID: tableID, devices: devices))
        }
        return routes
    }

    private func route(_ h: ArraySlice<UInt8>, _ tb: NetlinkAttributes, tableID: UInt32, devices: LinkTable.DeviceIndex) -> RouteEntry {
        let family = h.u8(at: 0)
        let hostLength: UInt8 = family == UInt8(AF_INET) ? 32 : family == UInt8(AF_INET6) ? 128 : 0
        let (dstLength, srcLength, tos) = (h.u8(at: 1), h.u8(at: 2), h.u8(at: 3))
        let (proto, scope, type) = (h.u8(at: 5), h.u8(at: 6), h.u8(at: 7))
        let flags = h.u32(at: 8)
        var destination = "default"
        if let d = tb[Attribute.dst] {
            destination = IPAddressText.ip(d) + (dstLength != hostLength ? "/\(dstLength)" : "")
        } else if dstLength != 0 {
            destination = "0/\(dstLength) "
        }
        var source: String?
        if let s = tb[Attribute.src] {
            source = IPAddressText.ip(s) + (srcLength != hostLength ? "/\(srcLength)" : "")
        } else if srcLength != 0 {
            source = "0/\(srcLength)"
        }
        var via: String?
        if let v = tb[Attribute.via], v.count >= 2 {
            let viaFamily = v.u16(at: 0)
            let name = viaFamily == UInt16(AF_INET) ? "inet" : viaFamily == UInt16(AF_INET6) ? "inet6" : String(viaFamily)
            via = name + " " + IPAddressText.ip(v.dropFirst(2))
        }
        var expires: Int32?
        var error: UInt32?
        if let c = tb[Attribute.cacheinfo], c.count >= 32, family == UInt8(AF_INET) || family == UInt8(AF_INET6) {
            let hz = Int32(sysconf(Int32(_SC_CLK_TCK)))
            let e = Int32(bitPattern: c.u32(at: 8))
            if e != 0 { expires = e / max(hz, 1) }
            if c.u32(at: 12) != 0 { error = c.u32(at: 12) }
        }
        return RouteEntry(
            family: family == UInt8(AF_INET) ? "inet" : family == UInt8(AF_INET6) ? "inet6" : String(family),
            type: Self.typeName(type), typeID: type, destination: destination, source: source, nexthopID: tb.u32(Attribute.nexthopID),
            tos: tos == 0 ? nil : "0x" + (tos < 16 ? "0" : "") + String(tos, radix: 16),
            gateway: tb[Attribute.gateway].map(IPAddressText.ip),
            via: via, device: tb.u32(Attribute.oif).map(devices.name), table: names.table(tableID), tableID: tableID,
            protocol: names.routeProtocol(proto), protocolID: proto, scope: names.scope(scope), scopeID: scope,
            cloned: flags & 0x200 != 0, preferredSource: tb[Attribute.prefsrc].map(IPAddressText.ip), metric: tb.u32(Attribute.priority),
            flags: Self.flagNames(flags), mark: tb.u32(Attribute.mark), uid: tb.u32(Attribute.uid), expires: expires, error: error,
            metrics: tb.nested(Attribute.metrics).map(Self.metrics) ?? [], inputDevice: tb.u32(Attribute.iif).map(devices.name),
            preference: tb.u8(Attribute.pref).map { $0 == 3 ? "low" : $0 == 0 ? "medium" : $0 == 1 ? "high" : String($0) })
    }

    /// rtnl_rtntype_n2a.
    static func typeName(_ type: UInt8) -> String {
        let names = [
            "none", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw",
            "nat", "xresolve",
        ]
        return Int(type) < names.count ? names[Int(type)] : String(type)
    }

    /// print_rt_flags, in its order.
    static func flagNames(_ flags: UInt32) -> [String] {
        let table: [(UInt32, String)] = [
            (0x1, "dead"), (0x4, "onlink"), (0x2, "pervasive"), (0x8, "offload"), (0x40, "trap"), (0x100, "notify"),
            (0x10, "linkdown"), (0x20, "unresolved"), (0x2000, "rt_offload"), (0x4000, "rt_trap"), (0x2000_0000, "rt_offload_failed"),
        ]
        return table.filter { flags & $0.0 != 0 }.map(\.1)
    }

    /// print_rta_metrics: each metric present or locked, from RTAX_MTU on.
    static func metrics(_ mx: NetlinkAttributes) -> [RouteEntry.Metric] {
        let names = [
            2: "mtu", 3: "window", 4: "rtt", 5: "rttvar", 6: "ssthresh", 7: "cwnd", 8: "advmss", 9: "reordering", 10: "hoplimit",
            11: "initcwnd", 12: "features", 13: "rto_min", 14: "initrwnd", 15: "quickack", 16: "congctl", 17: "fastopen_no_cookie",
        ]
        let lock = mx.u32(1) ?? 0
        var out: [RouteEntry.Metric] = []
        for i in 2...17 {
            let locked = lock & (1 << UInt32(i)) != 0
            guard mx.has(i) || locked else { continue }
            var value = i == 16 ? 0 : mx.u32(i) ?? 0
            if i == 10 && value == UInt32.max { continue }
            var text = String(value)
            switch i {
            case 4, 5, 13:
                if i == 4 { value /= 8 } else if i == 5 { value /= 4 }
                text = value >= 1000 ? Self.shortest(Double(value) / 1000) + "s" : "\(value)ms"
            case 12:
                text = value & 1 != 0 ? "ecn" : ""
                if value & ~1 != 0 { text += (text.isEmpty ? "" : " ") + "0x" + String(value & ~1, radix: 16) }
            case 16: text = mx.string(i) ?? ""
            default: break
            }
            out.append(.init(name: names[i] ?? "metric \(i)", locked: locked, value: text))
        }
        return out
    }

    /// printf's `%g` for the seconds of an RTT: six significant digits, no trailing zeros.
    private static func shortest(_ v: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([v]) { vsnprintf(&buffer, buffer.count, "%g", $0) }
        return String(cString: buffer)
    }
}
