/// The nat POSTROUTING rule that rewrites the source of IPVS-balanced packets to the container's
/// own address, so replies come back through its namespace:
/// `-A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5`.
/// It needs `net.ipv4.vs.conntrack=1`.
public struct SNATRule: Hashable, Sendable {
    public var subnet: IPv4Subnet
    public var source: IPv4Address

    public static let table = FirewallTable.nat
    public static let chain = "POSTROUTING"

    public init(subnet: IPv4Subnet, source: IPv4Address) {
        self.subnet = subnet
        self.source = source
    }

    public var rule: IPTablesRule {
        IPTablesRule(destination: subnet, matches: [.ipvs(.property)], target: .snat(.init(address: source)))
    }

    public init?(rule: IPTablesRule) {
        guard let d = rule.destination, rule.matches == [.ipvs(.property)], rule.source == nil, rule.proto == nil, rule.negated.isEmpty,
            rule.outInterface == nil, rule.inInterface == nil,
            case .snat(let r) = rule.target, let a = r.addresses, a.lowerBound == a.upperBound, r.ports == nil, !r.random, !r.randomFully,
            !r.persistent
        else { return nil }
        self.init(subnet: d, source: a.lowerBound)
    }

    /// Every ipvs SNAT rule of a nat table.
    public static func all(in nat: IPTablesDump) -> [SNATRule] {
        nat.chain(chain)?.rules.compactMap(SNATRule.init(rule:)) ?? []
    }
}
