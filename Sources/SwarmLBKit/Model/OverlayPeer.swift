/// A task of an overlay network on another node, as Docker's overlay driver programs it on this one
/// (libnetwork drivers/overlay peerAdd): the task's address resolves to its MAC on the VXLAN device
/// (`ip neigh add IP lladdr MAC dev vxlan0 nud permanent`) and that MAC is reached through the other
/// node's address (`bridge fdb add MAC dev vxlan0 dst VTEP self permanent`).
public struct OverlayPeer: Hashable, Sendable {
    public var address: IPv4Address
    public var mac: MACAddress
    /// The other node's underlay address, where its VXLAN device listens.
    public var vtep: IPv4Address
    public var device: String

    public init(address: IPv4Address, mac: MACAddress, vtep: IPv4Address, device: String = "vxlan0") {
        self.address = address
        self.mac = mac
        self.vtep = vtep
        self.device = device
    }

    public var neighbour: PeerNeighbour { PeerNeighbour(address: address, mac: mac, device: device) }
    public var fdbEntry: PeerForwarding { PeerForwarding(mac: mac, device: device, destination: vtep) }
}

/// A permanent IPv4 neighbour entry: `ip neigh add IP lladdr MAC dev DEV nud permanent`.
public struct PeerNeighbour: Hashable, Sendable {
    public var address: IPv4Address
    public var mac: MACAddress
    public var device: String
    /// Whether the kernel holds it as permanent (NUD_PERMANENT); what swarmlb adds always is.
    public var permanent = true
}

/// A permanent forwarding entry of a VXLAN device's own table (`self`, not the bridge's):
/// `bridge fdb add MAC dev DEV dst VTEP self permanent`.
public struct PeerForwarding: Hashable, Sendable {
    public var mac: MACAddress
    public var device: String
    public var destination: IPv4Address
    public var permanent = true
}
