/// One entry of a bridge or vxlan device's forwarding database with everything `bridge fdb show`
/// prints about it (iproute2's print_fdb): a MAC address, where frames for it go, and how it got there.
public struct FDBEntry: Hashable, Sendable, Encodable {
    public var mac: String?
    public var device: String?
    /// The remote VTEP a vxlan device sends the MAC's frames to (NDA_DST).
    public var destination: String?
    public var vlan: UInt16?
    public var port: UInt16?
    public var vni: UInt32?
    public var sourceVNI: UInt32?
    /// The device a vxlan entry leaves through (NDA_IFINDEX): its name, or only `viaIndex` when it
    /// lives in another namespace.
    public var via: String?
    public var viaIndex: UInt32?
    public var nexthopID: UInt32?
    public var linkNetnsid: Int32?
    /// Flags in bridge's order: `self`, `router`, `extern_learn`, `offload`, `master`, `sticky`.
    public var flags: [String]
    public var master: String?
    /// `permanent`, `static`, `stale`, "" (reachable) or `state=0xN`.
    public var state: String

    enum CodingKeys: String, CodingKey {
        case mac, device, destination, vlan, port, vni, sourceVNI = "sourceVni", via, viaIndex, nexthopID = "nexthopId"
        case linkNetnsid, flags, master, state
    }
}
