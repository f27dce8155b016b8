/// The nat rules that send a namespace's DNS (port 53 on the resolver address) to the embedded
/// resolver's real ports and rewrite the replies back, exactly as Docker writes them:
///
///     -A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
///     -A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING
///     -A DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:38534
///     -A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:39353
///     -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport 38534 -j SNAT --to-source :53
///     -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 39353 -j SNAT --to-source :53
public struct DNSRedirect: Sendable, Equatable {
    public static let outputChain = "DOCKER_OUTPUT"
    public static let postroutingChain = "DOCKER_POSTROUTING"

    public var address: IPv4Address
    public var tcpPort: UInt16
    public var udpPort: UInt16

    public init(address: IPv4Address, tcpPort: UInt16, udpPort: UInt16) {
        self.address = address
        self.tcpPort = tcpPort
        self.udpPort = udpPort
    }

    /// Every rule, as (chain, rule), in Docker's order.
    public var rules: [(String, IPTablesRule)] {
        let host = IPv4Subnet(address, prefixLength: 32)
        func redirect(_ p: TransportPort.Proto, _ port: UInt16) -> IPTablesRule {
            IPTablesRule(
                destination: host, proto: p.number, matches: [.ports(p, source: nil, destination: .init(53))],
                target: .dnat(.init(address: address, port: port)))
        }
        func reply(_ p: TransportPort.Proto, _ port: UInt16) -> IPTablesRule {
            IPTablesRule(
                source: host, proto: p.number, matches: [.ports(p, source: .init(port), destination: nil)],
                target: .snat(.init(address: nil, port: 53)))
        }
        return [
            ("OUTPUT", IPTablesRule(destination: host, target: .jump(Self.outputChain))),
            ("POSTROUTING", IPTablesRule(destination: host, target: .jump(Self.postroutingChain))),
            (Self.outputChain, redirect(.tcp, tcpPort)),
            (Self.outputChain, redirect(.udp, udpPort)),
            (Self.postroutingChain, reply(.tcp, tcpPort)),
            (Self.postroutingChain, reply(.udp, udpPort)),
        ]
    }

    /// The resolvers whose redirects for `address` are in `nat`: the ports of each DNAT rule of
    /// DOCKER_OUTPUT to `address` port 53, paired TCP with UDP in the order they appear.
    public static func installed(for address: IPv4Address, in nat: IPTablesDump) -> [DNSRedirect] {
        var tcp: [UInt16] = [], udp: [UInt16] = []
        for r in nat.chain(outputChain)?.rules ?? [] {
            guard r.destination == IPv4Subnet(address, prefixLength: 32), case .dnat(let range) = r.target,
                let port = range.ports?.lowerBound, range.addresses == address...address
            else { continue }
            switch r.proto.flatMap(TransportPort.Proto.init(number:)) {
            case .tcp: tcp.append(port)
            case .udp: udp.append(port)
            default: break
            }
        }
        return zip(tcp, udp).map { DNSRedirect(address: address, tcpPort: $0, udpPort: $1) }
    }

    /// True when every rule is in the nat table (a firewall manager may have flushed it).
    public func isInstalled(in nat: IPTablesDump) -> Bool {
        rules.allSatisfy { chain, rule in nat.chain(chain)?.rules.contains(rule) ?? false }
    }
}
