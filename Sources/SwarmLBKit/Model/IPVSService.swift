/// An IPVS virtual service: a firewall-mark service (`ipvsadm -A -f 257 -s rr`) as Swarm uses,
/// or an address service (`ipvsadm -A -t 10.1.1.1:80 -s wrr`).
public struct IPVSService: Hashable, Sendable {
    /// What the kernel keys a virtual service on.
    public enum Key: Hashable, Sendable, CustomStringConvertible {
        case fwmark(FirewallMark)
        /// An IPv6 firewall-mark service (`ipvsadm -A -f 301 -6`), listed as `FWM  301 IPv6`.
        case fwmarkIPv6(FirewallMark)
        case address(TransportPort.Proto, IPAddress, UInt16)

        public var description: String {
            switch self {
            case .fwmark(let m): return "FWM \(m.value)"
            case .fwmarkIPv6(let m): return "FWM \(m.value) IPv6"
            case let .address(p, a, port): return "\(p.rawValue.uppercased()) \(a.endpoint(port))"
            }
        }

        /// The mark of an IPv4 fwmark service: the services iptables (IPv4) mark rules feed.
        public var fwmark: FirewallMark? {
            if case .fwmark(let m) = self { return m }
            return nil
        }

        /// True for firewall-mark services of either family (what `fwm list` shows).
        public var isFirewallMark: Bool {
            switch self {
            case .fwmark, .fwmarkIPv6: true
            case .address: false
            }
        }

        public var isIPv6: Bool {
            switch self {
            case .fwmark: false
            case .fwmarkIPv6: true
            case .address(_, let a, _): a.isIPv6
            }
        }

    }

    public var key: Key
    public var scheduler: IPVSScheduler
    /// Persistence timeout in seconds, when the service is persistent (`-p`).
    public var persistence: UInt32?
    /// Persistence granularity (`-M`) as the kernel keeps it: a netmask in network order for IPv4
    /// (0xffffffff by default), a prefix length for IPv6 (128 by default).
    public var netmask: UInt32
    /// Raw IP_VS_SVC_F_* flags other than persistence (ipvsadm's `-o` one-packet, scheduler flags).
    public var flags: Flags
    /// The persistence engine (`--pe sip`), if any.
    public var persistenceEngine: String?

    public init(
        key: Key, scheduler: IPVSScheduler = .rr, persistence: UInt32? = nil,
        netmask: UInt32? = nil, flags: Flags = [], persistenceEngine: String? = nil
    ) {
        self.key = key
        self.scheduler = scheduler
        self.persistence = persistence
        self.netmask = netmask ?? (key.isIPv6 ? 128 : 0xffff_ffff)
        self.flags = flags
        self.persistenceEngine = persistenceEngine
    }

    /// IP_VS_SVC_F_* bits other than persistence and hashing.
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `-o`: one-packet scheduling (UDP).
        public static let onePacket = Flags(rawValue: 0x4)
        /// Scheduler flags 1-3 (`-b flag-1`); for sh they are sh-fallback and sh-port, for mh mh-fallback and mh-port.
        public static let scheduler1 = Flags(rawValue: 0x8)
        public static let scheduler2 = Flags(rawValue: 0x10)
        public static let scheduler3 = Flags(rawValue: 0x20)
    }
}

/// An IPVS scheduling algorithm as named by ipvsadm `-s`.
public enum IPVSScheduler: String, Sendable, CaseIterable {
    case rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos

    public init(parsing text: String) throws(ValidationError) {
        guard let s = Self(rawValue: text) else {
            throw ValidationError(text, "scheduler (one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = s
    }
}
