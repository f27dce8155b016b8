/// One neighbour (ARP or NDP) entry with everything `ip neigh show` prints about it (print_neigh).
public struct NeighbourEntry: Hashable, Sendable, Encodable {
    /// `inet` or `inet6`.
    public var family: String
    public var destination: String
    public var device: String?
    public var lladdr: String?
    /// Flags in ip's order: `router`, `proxy`, `managed`, `extern_learn`, `offload`.
    public var flags: [String]
    /// NUD states in ip's order, upper case: `REACHABLE`, `STALE`, `PERMANENT`, ...
    public var states: [String]
    public var `protocol`: String?
}
