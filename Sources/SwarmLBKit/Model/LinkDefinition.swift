/// A network device to create, as `ip link add NAME [mtu N] type KIND ...` makes it: the overlay
/// namespace's bridge (br0), its VXLAN device (vxlan0) and the veth pair that joins a container.
public struct LinkDefinition: Hashable, Sendable {
    public var name: String
    public var mtu: Int?
    public var kind: Kind

    public init(name: String, mtu: Int? = nil, kind: Kind) {
        self.name = name
        self.mtu = mtu
        self.kind = kind
    }

    public enum Kind: Hashable, Sendable {
        /// `type bridge`.
        case bridge
        /// `type vxlan ...`, with Docker's settings (`VXLANSettings`).
        case vxlan(VXLANSettings)
        /// `type veth peer name PEER ...`: the peer is made in another namespace.
        case veth(VethPeer)

        /// The kind as `ip -d link` names it.
        public var name: String {
            switch self {
            case .bridge: "bridge"
            case .vxlan: "vxlan"
            case .veth: "veth"
            }
        }
    }

    /// The VXLAN device of an overlay network as Docker's overlay driver makes it (libnetwork
    /// drivers/overlay createVxlan): learning, proxy, l2miss and l3miss on, ttl auto, no remote or
    /// group (every peer is a static FDB entry). Docker creates it in the host namespace and moves it
    /// into the overlay namespace, so its UDP socket, and the underlay it reaches peers through, stay
    /// the host's: `underlay` is that namespace's file (nil: the one it ends up in), `overlay` where it lives.
    public struct VXLANSettings: Hashable, Sendable {
        public var vni: UInt32
        public var port: UInt16
        /// The source address of the tunnel's packets (`local`); Docker leaves it to the route.
        public var local: IPv4Address?
        public var underlay: String?
        public var overlay: String?

        public init(
            vni: UInt32, port: UInt16 = 4789, local: IPv4Address? = nil, underlay: String? = nil, overlay: String? = nil
        ) {
            self.vni = vni
            self.port = port
            self.local = local
            self.underlay = underlay
            self.overlay = overlay
        }
    }

    /// The other end of a veth pair: its name, namespace file, MAC and MTU (`peer name eth0 address M mtu N netns NS`).
    public struct VethPeer: Hashable, Sendable {
        public var name: String
        public var namespace: String
        public var mac: MACAddress?
        public var mtu: Int?

        public init(name: String, namespace: String, mac: MACAddress?, mtu: Int?) {
            self.name = name
            self.namespace = namespace
            self.mac = mac
            self.mtu = mtu
        }
    }

    /// `ip link add ...` as iproute2 takes it; a VXLAN device made from its underlay namespace is
    /// created there and placed in the overlay at once (`netns`), which is Docker's add-then-move.
    public var command: String {
        let mtuText = mtu.map { " mtu \($0)" } ?? ""
        switch kind {
        case .bridge:
            return "ip link add \(name)\(mtuText) type bridge"
        case .vxlan(let v):
            let into = v.underlay != nil ? " netns \(v.overlay ?? "/proc/self/ns/net")" : ""
            let local = v.local.map { " local \($0)" } ?? ""
            let add = "ip link add \(name)\(mtuText)\(into) type vxlan id \(v.vni) dstport \(v.port)\(local) proxy l2miss l3miss"
            return v.underlay.map { "nsenter --net=\($0) \(add)" } ?? add
        case .veth(let p):
            let address = p.mac.map { " address \($0)" } ?? ""
            let peerMTU = p.mtu.map { " mtu \($0)" } ?? ""
            return "ip link add \(name)\(mtuText) type veth peer name \(p.name)\(address)\(peerMTU) netns \(p.namespace)"
        }
    }
}
