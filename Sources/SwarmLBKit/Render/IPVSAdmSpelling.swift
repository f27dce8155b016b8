/// How ipvsadm spells services, real servers and their settings: the options of the commands a
/// plan prints (`ipvsadm -A -f 257 -s rr`) and the names of its listing, kept out of the values.
extension IPVSService.Key {
    /// ipvsadm's option spelling: `-f 257` or `-t 10.1.1.1:80`.
    public var ipvsadmOption: String {
        switch self {
        case .fwmark(let m): return "-f \(m.value)"
        case .fwmarkIPv6(let m): return "-f \(m.value) -6"
        case let .address(p, a, port):
            let flag =
                switch p {
                case .tcp: "-t";
                case .udp: "-u";
                case .sctp: "--sctp-service"
                }
            return "\(flag) \(a.endpoint(port))"
        }
    }
}

extension IPVSService.Flags {
    /// ipvsadm's names for the scheduler flags of `scheduler`, comma-separated (`sh-fallback,sh-port`).
    public func schedulerFlagNames(_ scheduler: String) -> String {
        let names: [(Self, String)] =
            switch scheduler {
            case "sh": [(.scheduler1, "sh-fallback"), (.scheduler2, "sh-port")]
            case "mh": [(.scheduler1, "mh-fallback"), (.scheduler2, "mh-port")]
            default: [(.scheduler1, "flag-1"), (.scheduler2, "flag-2"), (.scheduler3, "flag-3")]
            }
        return names.filter { contains($0.0) }.map(\.1).joined(separator: ",")
    }
}

extension IPVSService {
    /// The ipvsadm command (`-A` to add, `-E` to edit) that gives a service these settings.
    public func ipvsadmCommand(_ verb: String) -> String {
        var s = "ipvsadm \(verb) \(key.ipvsadmOption) -s \(scheduler.rawValue)"
        if let p = persistence { s += " -p \(p)" }
        return s
    }
}

extension RealServer {
    /// ipvsadm's option spelling of this server's settings.
    func ipvsadmOptions(_ service: IPVSService.Key) -> String {
        var s = "\(service.ipvsadmOption) -r \(endpoint) \(forwarding.ipvsadmFlag) -w \(weight)"
        if upperThreshold > 0 { s += " -x \(upperThreshold)" }
        if lowerThreshold > 0 { s += " -y \(lowerThreshold)" }
        return s
    }
}

extension ForwardingMethod {
    /// ipvsadm's listing column ("Masq", "Route", "Tunnel", "Local").
    public var ipvsadmName: String {
        switch self {
        case .masq: "Masq";
        case .route: "Route";
        case .tunnel: "Tunnel";
        case .local: "Local"
        }
    }
    var ipvsadmFlag: String {
        switch self {
        case .masq: "-m";
        case .route, .local: "-g";
        case .tunnel: "-i"
        }
    }
}
