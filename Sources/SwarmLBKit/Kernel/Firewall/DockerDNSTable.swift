import CNFTables

/// Docker 29's redirect of the embedded resolver written natively in nf_tables, read as the DNS
/// redirect it is (`nft list table ip docker-dns`):
///
///     table ip docker-dns {
///         chain dns-dnat { type nat hook output priority dstnat; policy accept;
///             ip daddr 127.0.0.11 udp dport 53 counter dnat to 127.0.0.11:41287 ... }
///         chain dns-snat { type nat hook postrouting priority srcnat; policy accept;
///             ip saddr 127.0.0.11 udp sport 41287 counter snat to :53 ... } }
///
/// It stands beside the iptables chains DOCKER_OUTPUT/DOCKER_POSTROUTING that Docker 1.12-28 writes,
/// whichever iptables backend the namespace uses. Reads only; creates nothing.
public struct DockerDNSTable: Sendable {
    public static let name = "docker-dns"
    public static let redirectChain = "dns-dnat"

    /// The ports port 53 of the resolver address is sent to, one per DNAT rule of dns-dnat, in rule order.
    public var redirects: [(proto: TransportPort.Proto, port: UInt16)]

    /// The table in the current namespace, or nil when it has no `dns-dnat` chain (or the kernel no nf_tables).
    public static func read(resolver address: IPv4Address) -> DockerDNSTable? {
        guard let nft = try? NFTables(), let table = try? nft.consistentRead(of: name).table,
            table.chains.contains(where: { $0.name == redirectChain })
        else { return nil }
        return DockerDNSTable(
            redirects: table.rules.filter { $0.chain == redirectChain }.compactMap { redirect($0.expressions, to: address) })
    }

    /// The protocol and port of a rule `ip daddr ADDRESS tcp|udp dport 53 ... dnat to ADDRESS:PORT`, else nil.
    /// Follows the registers: what each holds (a header field loaded, or a constant) and what it was compared with.
    static func redirect(_ expressions: [NFTExpression], to address: IPv4Address) -> (proto: TransportPort.Proto, port: UInt16)? {
        enum Field: Hashable { case destination, l4proto, destinationPort }
        var loaded: [UInt32: Field] = [:], matched: [Field: [UInt8]] = [:], constants: [UInt32: [UInt8]] = [:]
        var target: (address: [UInt8], port: [UInt8])?
        for x in expressions {
            switch x {
            case let .payload(base, offset, length, register):
                let field: Field? =
                    switch (base, offset, length) {
                    case (UInt32(NFT_PAYLOAD_NETWORK_HEADER.rawValue), 16, 4): .destination
                    case (UInt32(NFT_PAYLOAD_TRANSPORT_HEADER.rawValue), 2, 2): .destinationPort
                    default: nil
                    }
                loaded[register] = field
            case let .meta(key, register):
                loaded[register] = key == NFT_META_L4PROTO.rawValue ? .l4proto : nil
            case let .cmp(.eq, register, data):
                if let field = loaded[register] { matched[field] = data }
            case let .immediate(register, data):
                constants[register] = data
            case .nat(let n) where n.destination:
                guard let a = n.addressMin.flatMap({ constants[$0] }), let p = n.protoMin.flatMap({ constants[$0] }) else { return nil }
                target = (a, p)
            default:
                break
            }
        }
        let addressBytes = withUnsafeBytes(of: address.value.bigEndian) { Array($0) }
        guard matched[.destination] == addressBytes, matched[.destinationPort] == [0, 53], let target,
            target.address.prefix(4).elementsEqual(addressBytes), target.port.count >= 2,
            let proto = matched[.l4proto]?.first.flatMap({ TransportPort.Proto(number: UInt16($0)) }), proto != .sctp
        else { return nil }
        return (proto, UInt16(target.port[0]) << 8 | UInt16(target.port[1]))
    }
}
