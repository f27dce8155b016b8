/// One iptables rule in the tables swarmlb works with, as a value: addresses, interfaces,
/// protocol, matches and target. `specification` is exactly what `iptables -S` prints after `-A CHAIN`.
public struct IPTablesRule: Hashable, Sendable, Codable {
    public var source: IPv4Subnet?
    public var destination: IPv4Subnet?
    public var inInterface: String?
    public var outInterface: String?
    /// IP protocol number; nil for any.
    public var proto: UInt16?
    public var matches: [Match]
    public var target: Target

    public init(source: IPv4Subnet? = nil, destination: IPv4Subnet? = nil, inInterface: String? = nil,
                outInterface: String? = nil, proto: UInt16? = nil, matches: [Match] = [], target: Target) {
        self.source = source
        self.destination = destination
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.proto = proto
        self.matches = matches
        self.target = target
    }

    /// A match extension (`-m NAME ...`).
    public enum Match: Hashable, Sendable, Codable {
        /// `-m tcp|udp [--sport A[:B]] [--dport A[:B]]`.
        case ports(TransportPort.Proto, source: PortRange?, destination: PortRange?)
        /// `-m ipvs --ipvs`: the packet belongs to an IPVS connection.
        case ipvs
        /// `-m addrtype [--src-type T] [--dst-type T]`.
        case addrtype(source: AddressTypes, destination: AddressTypes)
        /// A match swarmlb does not decode, kept byte for byte so it is never dropped.
        case opaque(name: String, revision: UInt8, data: [UInt8])
    }

    /// The target (`-j NAME ...`).
    public enum Target: Hashable, Sendable, Codable {
        /// `-j MARK --set-xmark VALUE/MASK` (revision 2).
        case mark(value: UInt32, mask: UInt32)
        /// `-j SNAT --to-source ...`.
        case snat(NATRange)
        /// `-j DNAT --to-destination ...`.
        case dnat(NATRange)
        /// `-j MASQUERADE`.
        case masquerade
        /// A verdict or a jump: ACCEPT, DROP, RETURN or a user chain.
        case jump(String)
        /// No target: the rule only counts.
        case none
        /// A target swarmlb does not decode, kept byte for byte.
        case opaque(name: String, revision: UInt8, data: [UInt8])
    }

    /// A port or port range of a tcp/udp match.
    public struct PortRange: Hashable, Sendable, Codable {
        public var low: UInt16
        public var high: UInt16
        public init(_ low: UInt16, _ high: UInt16? = nil) {
            self.low = low
            self.high = high ?? low
        }
        var text: String { low == high ? "\(low)" : "\(low):\(high)" }
    }

    /// The NAT mapping of SNAT/DNAT: an address range, a port range, or both.
    public struct NATRange: Hashable, Sendable, Codable {
        public var addresses: ClosedRange<IPv4Address>?
        public var ports: ClosedRange<UInt16>?
        public var random = false
        public var randomFully = false
        public var persistent = false
        public init(addresses: ClosedRange<IPv4Address>? = nil, ports: ClosedRange<UInt16>? = nil) {
            self.addresses = addresses
            self.ports = ports
        }
        public init(address: IPv4Address?, port: UInt16? = nil) {
            self.init(addresses: address.map { $0...$0 }, ports: port.map { $0...$0 })
        }

        /// iptables' spelling: `10.0.0.5`, `127.0.0.11:38534`, `:53`, `1.2.3.4-1.2.3.9:100-200`.
        var text: String {
            var s = ""
            if let a = addresses { s += a.lowerBound == a.upperBound ? "\(a.lowerBound)" : "\(a.lowerBound)-\(a.upperBound)" }
            if let p = ports { s += p.lowerBound == p.upperBound ? ":\(p.lowerBound)" : ":\(p.lowerBound)-\(p.upperBound)" }
            return s
        }
        var flags: String {
            (random ? " --random" : "") + (randomFully ? " --random-fully" : "") + (persistent ? " --persistent" : "")
        }
    }

    /// The address types of `-m addrtype` (XT_ADDRTYPE_* bits), printed as iptables does.
    public struct AddressTypes: OptionSet, Hashable, Sendable, Codable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let local = AddressTypes(rawValue: 1 << 2)
        static let names = ["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE",
                            "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"]
        var text: String {
            Self.names.enumerated().filter { rawValue & (1 << $0.offset) != 0 }.map(\.element).joined(separator: ",")
        }
    }

    /// The rule as `iptables -S` prints it after `-A CHAIN`.
    public var specification: String {
        var parts: [String] = []
        if let s = source { parts.append("-s \(s)") }
        if let d = destination { parts.append("-d \(d)") }
        if let i = inInterface { parts.append("-i \(i)") }
        if let o = outInterface { parts.append("-o \(o)") }
        if let p = proto { parts.append("-p \(TransportPort.Proto(number: p)?.rawValue ?? String(p))") }
        for m in matches { parts.append(m.specification) }
        if let t = target.specification { parts.append(t) }
        return parts.joined(separator: " ")
    }
}

extension IPTablesRule.Match {
    var specification: String {
        switch self {
        case let .ports(proto, source, destination):
            var s = "-m \(proto.rawValue)"
            if let r = source { s += " --sport \(r.text)" }
            if let r = destination { s += " --dport \(r.text)" }
            return s
        case .ipvs:
            return "-m ipvs --ipvs"
        case let .addrtype(source, destination):
            var s = "-m addrtype"
            if !source.isEmpty { s += " --src-type \(source.text)" }
            if !destination.isEmpty { s += " --dst-type \(destination.text)" }
            return s
        case let .opaque(name, revision, data):
            return "-m \(name) [undecoded revision \(revision): \(data.hexString)]"
        }
    }
}

extension IPTablesRule.Target {
    var specification: String? {
        switch self {
        case let .mark(value, mask):
            return "-j MARK --set-xmark 0x\(String(value, radix: 16))/0x\(String(mask, radix: 16))"
        case .snat(let r): return "-j SNAT --to-source \(r.text)\(r.flags)"
        case .dnat(let r): return "-j DNAT --to-destination \(r.text)\(r.flags)"
        case .masquerade: return "-j MASQUERADE"
        case .jump(let chain): return "-j \(chain)"
        case .none: return nil
        case let .opaque(name, revision, data): return "-j \(name) [undecoded revision \(revision): \(data.hexString)]"
        }
    }
}

extension Array where Element == UInt8 {
    var hexString: String { map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined() }
}
