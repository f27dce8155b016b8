/// An IPVS virtual service: a firewall-mark service (`ipvsadm -A -f 257 -s rr`) as Swarm uses,
/// or an address service (`ipvsadm -A -t 10.1.1.1:80 -s wrr`).
public struct IPVSService: Hashable, Sendable, Codable {
    /// What the kernel keys a virtual service on.
    public enum Key: Hashable, Sendable, Codable, CustomStringConvertible {
        case fwmark(FirewallMark)
        case address(TransportPort.Proto, IPv4Address, UInt16)

        /// ipvsadm's option spelling: `-f 257` or `-t 10.1.1.1:80`.
        public var ipvsadmOption: String {
            switch self {
            case .fwmark(let m): return "-f \(m.value)"
            case let .address(p, a, port):
                let flag = switch p { case .tcp: "-t"; case .udp: "-u"; case .sctp: "--sctp-service" }
                return "\(flag) \(a):\(port)"
            }
        }

        public var description: String {
            switch self {
            case .fwmark(let m): return "FWM \(m.value)"
            case let .address(p, a, port): return "\(p.rawValue.uppercased()) \(a):\(port)"
            }
        }

        public var fwmark: FirewallMark? {
            if case .fwmark(let m) = self { return m }
            return nil
        }

    }

    public var key: Key
    public var scheduler: IPVSScheduler
    /// Persistence timeout in seconds, when the service is persistent (`-p`).
    public var persistence: UInt32?
    /// Persistence granularity netmask (`-M`), 255.255.255.255 by default.
    public var netmask: IPv4Address
    /// Raw IP_VS_SVC_F_* flags other than persistence (ipvsadm's `-o` one-packet, scheduler flags).
    public var flags: UInt32

    public init(key: Key, scheduler: IPVSScheduler = .rr, persistence: UInt32? = nil,
                netmask: IPv4Address = IPv4Address(0xffff_ffff), flags: UInt32 = 0) {
        self.key = key
        self.scheduler = scheduler
        self.persistence = persistence
        self.netmask = netmask
        self.flags = flags
    }

    /// The ipvsadm command (`-A` to add, `-E` to edit) that gives a service these settings.
    public func ipvsadmCommand(_ verb: String) -> String {
        var s = "ipvsadm \(verb) \(key.ipvsadmOption) -s \(scheduler.rawValue)"
        if let p = persistence { s += " -p \(p)" }
        return s
    }
}

/// An IPVS scheduling algorithm as named by ipvsadm `-s`.
public enum IPVSScheduler: String, Sendable, Codable, CaseIterable {
    case rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos

    public init(parsing text: String) throws(ValidationError) {
        guard let s = Self(rawValue: text) else {
            throw ValidationError(text, "scheduler (one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = s
    }
}
