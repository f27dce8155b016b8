/// The peer entries one node holds for one overlay network (`apply --overlay`): a neighbour and an
/// FDB entry on the network's VXLAN device for each task of the network on another node, as Docker's
/// overlay driver programs them (peerAdd). What it owns, and so what `--prune` may remove: the
/// device's permanent neighbour entries whose address is in `subnet` but is no peer's (nor an
/// `unplaced` task's), with the FDB entries of their MACs. Without a subnet it owns nothing.
public struct OverlayPeerSet: Hashable, Sendable {
    /// The VXLAN device of the network's namespace.
    public var device: String
    /// The network's subnet: whose addresses' entries are the network's.
    public var subnet: IPv4Subnet?
    public var peers: [OverlayPeer]
    /// Addresses of tasks whose node is not known: their entries are left as they are.
    public var unplaced: Set<IPv4Address>

    public init(device: String = "vxlan0", subnet: IPv4Subnet?, peers: [OverlayPeer], unplaced: Set<IPv4Address> = []) {
        self.device = device
        self.subnet = subnet
        self.peers = peers
        self.unplaced = unplaced
    }
}
