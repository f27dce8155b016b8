/// What the host knows of the network between nodes, for the overlay's `inspect --all` checks:
/// its IPv4 main-table routes (`ip route show`), each device's MTU and its own addresses.
public struct Underlay: Sendable {
    public var routes: [RouteEntry]
    public var mtus: [String: UInt32]
    public var addresses: Set<IPv4Address>

    public init(routes: [RouteEntry], mtus: [String: UInt32], addresses: Set<IPv4Address>) {
        self.routes = routes
        self.mtus = mtus
        self.addresses = addresses
    }

    /// The way to `address`: the main table's longest matching route (`ip route get` without
    /// policy rules), nil when none matches or the best match drops (blackhole, unreachable, prohibit).
    public func route(to address: IPv4Address) -> (route: RouteEntry, mtu: UInt32?)? {
        var best: (RouteEntry, Int)?
        for r in routes where r.family == "inet" {
            let length: Int
            if r.destination == "default" {
                length = 0
            } else if let s = try? IPv4Subnet(parsing: r.destination.contains("/") ? r.destination : r.destination + "/32"),
                s.contains(address)
            {
                length = s.prefixLength
            } else {
                continue
            }
            if best == nil || length > best!.1 { best = (r, length) }
        }
        guard let (r, _) = best, [1, 2].contains(r.typeID) else { return nil }
        let locked = r.metrics.first { $0.name == "mtu" }.flatMap { UInt32($0.value) }
        return (r, locked ?? r.device.flatMap { mtus[$0] })
    }
}
