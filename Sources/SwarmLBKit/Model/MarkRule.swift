/// A mangle-table rule that puts a service's firewall mark on its packets, matched by VIP
/// (`-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff`) or by published port in the
/// ingress namespace (`-A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff`).
public struct MarkRule: Hashable, Sendable {
    public enum Selector: Hashable, Sendable {
        case vip(IPv4Address)
        case port(TransportPort)
    }

    public var chain: String
    public var selector: Selector
    public var mark: FirewallMark

    public static let table = FirewallTable.mangle
    /// The mangle chains a mark may be set in.
    public static let chains = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
    /// The chains of a VIP's mark: INPUT (Docker's load-balancer namespace) or OUTPUT (each container, Docker 1.12-17.x).
    public static let vipChains = ["INPUT", "OUTPUT"]

    public init(chain: String, selector: Selector, mark: FirewallMark) {
        self.chain = chain
        self.selector = selector
        self.mark = mark
    }

    /// Validates a `--chain` argument: one of `allowed`, spelled as iptables spells it (upper case).
    public static func parseChain(_ text: String, among allowed: [String] = chains) throws(ValidationError) -> String {
        guard allowed.contains(text) else { throw ValidationError(text, "mangle chain (\(allowed.joined(separator: " or ")))") }
        return text
    }

    public var rule: IPTablesRule {
        let target = IPTablesRule.Target.mark(value: mark.value, mask: 0xffff_ffff)
        switch selector {
        case .vip(let a):
            return IPTablesRule(destination: IPv4Subnet(a, prefixLength: 32), target: target)
        case .port(let p):
            return IPTablesRule(
                proto: p.proto.number, matches: [.ports(p.proto, source: nil, destination: .init(p.port))],
                target: target)
        }
    }

    /// Recognises a mark rule in a mangle chain, as Docker or swarmlb wrote it.
    public init?(chain: String, rule: IPTablesRule) {
        guard case let .mark(value, 0xffff_ffff) = rule.target, value != 0, !rule.goto, !rule.fragment,
            rule.source == nil, rule.inInterface == nil, rule.outInterface == nil
        else { return nil }
        if let d = rule.destination, d.prefixLength == 32, rule.proto == nil, rule.matches.isEmpty, rule.negated.isEmpty {
            self.init(chain: chain, selector: .vip(d.network), mark: FirewallMark(value))
        } else if rule.destination == nil, let n = rule.proto, let proto = TransportPort.Proto(number: n),
            rule.matches.count == 1, case let .ports(p, nil, dport?, nil) = rule.matches[0], p == proto, dport.low == dport.high,
            !dport.negated, rule.negated.isEmpty
        {
            self.init(chain: chain, selector: .port(TransportPort(proto, dport.low)), mark: FirewallMark(value))
        } else {
            return nil
        }
    }

    /// Every mark rule in the mangle table.
    public static func all(in mangle: IPTablesDump) -> [MarkRule] {
        mangle.chains.filter { chains.contains($0.name) }.flatMap { chain in
            chain.rules.compactMap { MarkRule(chain: chain.name, rule: $0) }
        }
    }
}
