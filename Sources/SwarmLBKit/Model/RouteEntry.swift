/// One route with everything `ip route show` prints about it (iproute2's print_route).
public struct RouteEntry: Hashable, Sendable, Encodable {
    /// One RTA_METRICS value: its name (`mtu`, `advmss`), whether it is locked, and its value as ip prints it.
    public struct Metric: Hashable, Sendable, Encodable {
        public var name: String
        public var locked: Bool
        public var value: String
    }

    /// `inet`, `inet6`, or the family's number.
    public var family: String
    /// `unicast`, `local`, `broadcast`, `multicast`, `blackhole`, ...
    public var type: String
    public var typeID: UInt8
    /// `default`, `10.0.0.0/24`, or a host address.
    public var destination: String
    public var source: String?
    public var nexthopID: UInt32?
    public var tos: String?
    public var gateway: String?
    /// RTA_VIA: a gateway of another family, as `inet6 fe80::1`.
    public var via: String?
    public var device: String?
    public var table: String
    public var tableID: UInt32
    public var `protocol`: String
    public var protocolID: UInt8
    public var scope: String
    public var scopeID: UInt8
    /// A route cache entry (RTM_F_CLONED): ip route show leaves these out.
    public var cloned: Bool
    public var preferredSource: String?
    public var metric: UInt32?
    public var flags: [String]
    public var mark: UInt32?
    public var uid: UInt32?
    /// Seconds until the route expires (RTA_CACHEINFO's rta_expires), nil when it does not.
    public var expires: Int32?
    public var error: UInt32?
    public var metrics: [Metric]
    public var inputDevice: String?
    /// IPv6 router preference: `low`, `medium`, `high`.
    public var preference: String?
}
