/// A port published on a node by the ingress routing mesh, as Docker writes it in the host namespace
/// (libnetwork's programIngress): nat `DOCKER-INGRESS` DNATs the port to the ingress sandbox's address
/// on docker_gwbridge, filter `DOCKER-INGRESS` accepts it on its way through FORWARD, and the node's
/// own connections to it are masqueraded onto docker_gwbridge. The chains, their jumps and the
/// MASQUERADE rule are shared by every published port. Mirrors
/// `iptables -t nat -I DOCKER-INGRESS -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080` and the rest.
public struct IngressPublication: Hashable, Sendable {
    public var port: TransportPort
    /// The ingress sandbox's address on docker_gwbridge (172.18.0.2).
    public var sandbox: IPv4Address
    /// The bridge toward the ingress sandbox; local connections leave through it masqueraded.
    public var gwbridge: String

    /// The chain of both tables.
    public static let chain = "DOCKER-INGRESS"
    /// Docker 28+ jumps to DOCKER-INGRESS from its own DOCKER-FORWARD chain when that exists, else from FORWARD.
    public static let forwardChains = ["DOCKER-FORWARD", "FORWARD"]

    public init(port: TransportPort, sandbox: IPv4Address, gwbridge: String = "docker_gwbridge") {
        self.port = port
        self.sandbox = sandbox
        self.gwbridge = gwbridge
    }

    /// `-p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080` in nat DOCKER-INGRESS.
    public var dnat: IPTablesRule {
        IPTablesRule(proto: port.proto.number, matches: [destinationPort], target: .dnat(.init(address: sandbox, port: port.port)))
    }
    /// `-p tcp -m tcp --dport 8080 -j ACCEPT` in filter DOCKER-INGRESS.
    var accept: IPTablesRule { IPTablesRule(proto: port.proto.number, matches: [destinationPort], target: .jump("ACCEPT")) }
    /// `-p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT`: Docker names `-m state` first.
    var established: IPTablesRule {
        IPTablesRule(
            proto: port.proto.number,
            matches: [.state([.related, .established], negated: false), .ports(port.proto, source: .init(port.port), destination: nil)],
            target: .jump("ACCEPT"))
    }
    /// `-o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE` in nat POSTROUTING.
    var masquerade: IPTablesRule {
        IPTablesRule(outInterface: gwbridge, matches: [.addrtype(source: .local, destination: [])], target: .masquerade(.init()))
    }
    private var destinationPort: IPTablesRule.Match { .ports(port.proto, source: nil, destination: .init(port.port)) }
    /// `-m addrtype --dst-type LOCAL -j DOCKER-INGRESS` in nat PREROUTING and OUTPUT.
    static let localJump = IPTablesRule(matches: [.addrtype(source: [], destination: .local)], target: .jump(chain))
    static let jump = IPTablesRule(target: .jump(chain))
    static let returnRule = IPTablesRule(target: .jump("RETURN"))

    /// The ports a nat table publishes: each DNAT of DOCKER-INGRESS as Docker writes it (same port in and out).
    public static func published(in nat: IPTablesDump, gwbridge: String = "docker_gwbridge") -> [IngressPublication] {
        nat.chain(chain)?.rules.compactMap { rule in
            guard let n = rule.proto, let proto = TransportPort.Proto(number: n), rule.matches.count == 1,
                case let .ports(p, nil, dport?, nil) = rule.matches[0], p == proto, dport.low == dport.high, !dport.negated,
                case .dnat(let range) = rule.target, let a = range.addresses, a.lowerBound == a.upperBound,
                range.ports == dport.low...dport.low
            else { return nil }
            return IngressPublication(port: TransportPort(proto, dport.low), sandbox: a.lowerBound, gwbridge: gwbridge)
        } ?? []
    }

    /// Whether filter DOCKER-INGRESS accepts this port, as `publish` writes it.
    public func isAccepted(by filter: IPTablesDump) -> Bool {
        filter.chain(Self.chain)?.rules.contains(accept) == true
    }
}
