/// A real server (IPVS destination) behind a virtual service:
/// `ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1`.
public struct RealServer: Hashable, Sendable {
    /// IPv4 for everything swarmlb programs; IPv6 when read from a service ipvsadm made.
    public var address: IPAddress
    /// 0 for fwmark services: the packet keeps its destination port.
    public var port: UInt16
    public var weight: Int32
    public var forwarding: ForwardingMethod
    public var upperThreshold: UInt32
    public var lowerThreshold: UInt32
    /// Connection counters, filled in when read from the kernel.
    public var activeConnections: UInt32
    public var inactiveConnections: UInt32
    public var persistentConnections: UInt32 = 0
    public var stats = IPVSStats()

    public init(
        address: IPv4Address, port: UInt16 = 0, weight: Int32 = 1, forwarding: ForwardingMethod = .masq,
        upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0,
        activeConnections: UInt32 = 0, inactiveConnections: UInt32 = 0
    ) {
        self.init(
            address: .v4(address), port: port, weight: weight, forwarding: forwarding, upperThreshold: upperThreshold,
            lowerThreshold: lowerThreshold, activeConnections: activeConnections, inactiveConnections: inactiveConnections)
    }

    public init(
        address: IPAddress, port: UInt16 = 0, weight: Int32 = 1, forwarding: ForwardingMethod = .masq,
        upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0,
        activeConnections: UInt32 = 0, inactiveConnections: UInt32 = 0
    ) {
        self.address = address
        self.port = port
        self.weight = weight
        self.forwarding = forwarding
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
        self.activeConnections = activeConnections
        self.inactiveConnections = inactiveConnections
    }

    /// Identity within a service: the kernel keys destinations on address and port.
    public var endpoint: String { address.endpoint(port) }

    /// True when the settings an operator chose (not the counters) are the same.
    public func sameSettings(as other: RealServer) -> Bool {
        weight == other.weight && forwarding == other.forwarding
            && upperThreshold == other.upperThreshold && lowerThreshold == other.lowerThreshold
    }

    /// A real server as `real add` names it: its address and port (0 keeps the packet's port).
    public struct Endpoint: Hashable, Sendable {
        public var address: IPv4Address
        public var port: UInt16
    }

    /// Parses `10.0.0.3` or `10.0.0.3:8080`.
    public static func parseEndpoint(_ text: String) throws(ValidationError) -> Endpoint {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw ValidationError(text, "real server (want IP or IP:PORT)") }
        let address: IPv4Address
        do { address = try IPv4Address(parsing: String(parts[0])) } catch { throw ValidationError(text, "real server address") }
        let port = parts.count == 2 ? try parsePort(parts[1], in: text) : 0
        return Endpoint(address: address, port: port)
    }
}

/// How IPVS forwards to a real server: NAT (Masq), direct routing (Route), IP-in-IP (Tunnel), or local.
public enum ForwardingMethod: String, Sendable, CaseIterable {
    case masq, route, tunnel, local

    public init(parsing text: String) throws(ValidationError) {
        switch text.lowercased() {
        case "masq", "nat", "masquerading", "m": self = .masq
        case "route", "droute", "gatewaying", "dr", "g": self = .route
        case "tunnel", "ipip", "tun", "i": self = .tunnel
        default: throw ValidationError(text, "forwarding method (masq, route or tunnel)")
        }
    }

    /// IP_VS_CONN_F_* forwarding bits.
    public var kernelValue: UInt32 {
        switch self {
        case .masq: 0;
        case .local: 1;
        case .tunnel: 2;
        case .route: 3
        }
    }
    public init(kernelValue: UInt32) {
        switch kernelValue & 7 {
        case 1: self = .local;
        case 2: self = .tunnel;
        case 3: self = .route;
        default: self = .masq
        }
    }
}
