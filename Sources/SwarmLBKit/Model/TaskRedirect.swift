/// A task's side of a published port, as Docker's redirector writes it in the task's namespace: nat
/// PREROUTING redirects the published port on the task's ingress address to the port it serves, filter
/// accepts new and established connections to that port and replies from it, and drops every other
/// sctp, udp and tcp packet to or from that address. Mirrors
/// `iptables -t nat -A PREROUTING -d 10.255.0.4/32 -p tcp --dport 8080 -j REDIRECT --to-port 80` and the filter rules.
public struct TaskRedirect: Hashable, Sendable {
    /// The published port (the node's), e.g. tcp/8080.
    public var published: TransportPort
    /// The port the task serves, e.g. 80.
    public var target: UInt16
    /// The task's address on the ingress network.
    public var address: IPv4Address

    public init(published: TransportPort, target: UInt16, address: IPv4Address) {
        self.published = published
        self.target = target
        self.address = address
    }

    /// The ports of a redirect as `ingress redirect` names them: `tcp/8080:80` (PROTO/PUBLISHED:TARGET).
    public struct Ports: Hashable, Sendable {
        public var published: TransportPort
        public var target: UInt16

        public init(parsing text: String) throws(ValidationError) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let target = UInt16(parts[1]), target > 0, parts[1].allSatisfy(\.isNumber) else {
                throw ValidationError(text, "redirect (want PROTO/PUBLISHED:TARGET, e.g. tcp/8080:80)")
            }
            published = try TransportPort(parsing: String(parts[0]))
            self.target = target
        }
    }

    public init(_ ports: Ports, address: IPv4Address) {
        self.init(published: ports.published, target: ports.target, address: address)
    }

    var host: IPv4Subnet { IPv4Subnet(address, prefixLength: 32) }
    private var proto: TransportPort.Proto { published.proto }

    /// `-d 10.255.0.4/32 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80` in nat PREROUTING.
    public var redirect: IPTablesRule {
        IPTablesRule(
            destination: host, proto: proto.number, matches: [.ports(proto, source: nil, destination: .init(published.port))],
            target: .redirect(.init(address: nil, port: target)))
    }
    /// `-d 10.255.0.4/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT` in filter INPUT.
    public var inputAccept: IPTablesRule {
        IPTablesRule(
            destination: host, proto: proto.number,
            matches: [.ports(proto, source: nil, destination: .init(target)), .conntrackState([.new, .established], negated: false)],
            target: .jump("ACCEPT"))
    }
    /// `-s 10.255.0.4/32 -p tcp -m tcp --sport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT` in filter OUTPUT.
    public var outputAccept: IPTablesRule {
        IPTablesRule(
            source: host, proto: proto.number,
            matches: [.ports(proto, source: .init(target), destination: nil), .conntrackState(.established, negated: false)],
            target: .jump("ACCEPT"))
    }
    /// The DROP rules after the accepts, in Docker's order: for sctp, udp, tcp, to the address in INPUT, from it in OUTPUT.
    var drops: [(chain: String, rule: IPTablesRule)] {
        TransportPort.Proto.allCases.reversed().flatMap { p in
            [
                ("INPUT", IPTablesRule(destination: host, proto: p.number, target: .jump("DROP"))),
                ("OUTPUT", IPTablesRule(source: host, proto: p.number, target: .jump("DROP"))),
            ]
        }
    }

}
