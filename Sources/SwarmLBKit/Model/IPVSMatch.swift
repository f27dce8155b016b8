/// What `-m ipvs` (xt_ipvs) asks of a packet's IPVS connection: `[!] --ipvs` alone, or any of
/// `[!] --vproto N`, `[!] --vaddr A[/M]`, `[!] --vport P`, `--vdir ORIGINAL|REPLY`,
/// `[!] --vmethod GATE|IPIP|MASQ`, `[!] --vportctl P` (each implies --ipvs), as iptables' libxt_ipvs
/// writes them. Swarm's SNAT rule uses the plain `-m ipvs --ipvs` (`.property`).
public struct IPVSMatch: Hashable, Sendable {
    /// The properties a rule examines and those it negates (XT_IPVS_* bits; `--vdir REPLY` is the
    /// negated direction).
    public struct Properties: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let ipvs = Properties(rawValue: 1 << 0)
        public static let proto = Properties(rawValue: 1 << 1)
        public static let address = Properties(rawValue: 1 << 2)
        public static let port = Properties(rawValue: 1 << 3)
        public static let direction = Properties(rawValue: 1 << 4)
        public static let method = Properties(rawValue: 1 << 5)
        public static let controlPort = Properties(rawValue: 1 << 6)
    }

    /// The forwarding method of the connection (IP_VS_CONN_F_*: MASQ 0, TUNNEL 2, DROUTE 3).
    public enum Method: UInt8, Hashable, Sendable {
        case masq = 0, ipip = 2, gate = 3
    }

    /// Examined properties; `.ipvs` is always among them.
    public var given: Properties = [.ipvs]
    public var negated: Properties = []
    /// The virtual service's IP protocol number (`--vproto`).
    public var proto: UInt8 = 0
    /// The virtual address and its mask (`--vaddr`; a mask need not be a prefix).
    public var address = IPv4Address(0)
    public var mask: UInt32 = 0
    public var port: UInt16 = 0
    public var method = Method.masq
    /// The virtual port of the controlling connection (`--vportctl`, e.g. 21 for FTP data).
    public var controlPort: UInt16 = 0

    public init() {}

    /// `-m ipvs --ipvs`: the packet belongs to an IPVS connection.
    public static let property = IPVSMatch()

    /// Adds one property the way libxt_ipvs parses it: the value set, the bit given (and negated).
    public mutating func require(_ property: Properties, negated: Bool) {
        given.formUnion(property)
        if negated { self.negated.formUnion(property) }
    }
}
