/// One overlay network as its namespace (Docker's `1-<id>`) holds it: the vxlan device and its
/// settings, the bridge it is a port of, the local endpoints (the bridge's other ports and the
/// namespaces they lead to) and the peers, each remote address joined across its neighbour entry
/// (IP -> MAC on the vxlan device, `ip neigh`) and its FDB entry (MAC -> VTEP, `bridge fdb`).
public struct OverlayNetwork: Sendable, Encodable, Equatable {
    /// A bridge port other than the vxlan device: a veth whose other end is a container's eth0.
    public struct Endpoint: Sendable, Encodable, Equatable {
        public var device: String
        public var mtu: UInt32?
        /// The path of the namespace file (under /run/docker/netns or /run/netns) of the namespace the other
        /// end lives in, when one is that namespace.
        public var namespace: String?
        /// The id this namespace gives the other end's namespace (IFLA_LINK_NETNSID); nil when the other end is here.
        public var netnsid: Int32?
    }

    /// A remote task's entries as this namespace holds them: `address` from the neighbour entry,
    /// `vtep` from the FDB entry, both keyed by `mac`; either is nil when its entry is missing. What
    /// `overlay peer add` makes (`OverlayPeer`) reads back as one with both.
    public struct Peer: Sendable, Encodable, Equatable {
        public var address: IPv4Address?
        public var mac: MACAddress
        public var vtep: IPv4Address?

        enum CodingKeys: String, CodingKey { case address, mac, vtep }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(address?.description, forKey: .address)
            try c.encode(mac.description, forKey: .mac)
            try c.encodeIfPresent(vtep?.description, forKey: .vtep)
        }
    }

    public var device: String
    public var vni: UInt32?
    public var port: UInt16?
    public var proxy: Bool
    public var l2miss: Bool
    public var l3miss: Bool
    public var learning: Bool
    public var mtu: UInt32?
    public var bridge: String?
    public var bridgeMTU: UInt32?
    public var endpoints: [Endpoint]
    public var peers: [Peer]

    enum CodingKeys: String, CodingKey {
        case device, vni, port, proxy, l2miss, l3miss, learning, mtu, bridge, bridgeMTU = "bridgeMtu", endpoints, peers
    }

    /// What the overlay reads as its name in one-line problems: `vxlan0 (VNI 4097)`.
    public var label: String { device + (vni.map { " (VNI \($0))" } ?? "") }

    /// The overlay networks of a namespace, one per vxlan device, from its links and each vxlan device's
    /// neighbour and own FDB entries (as the overlay planner reads them); `namespaces`: the namespace
    /// files by the id this namespace gives each.
    public static func all(
        links: [LinkDetail], neighbours: [PeerNeighbour], fdb: [PeerForwarding], namespaces: [Int32: String] = [:]
    ) -> [OverlayNetwork] {
        links.filter { $0.kind == "vxlan" }.map { v in
            let settings = v.kindSettings
            func flag(_ key: String) -> Bool { settings.value(key) == .flag(true) }
            func number(_ key: String) -> UInt64? { if case .number(let n)? = settings.value(key) { n } else { nil } }
            let bridge = v.master.flatMap { name in links.first { $0.name == name } }
            let endpoints = links.filter { $0.master == v.master && v.master != nil && $0.name != v.name }.map {
                Endpoint(device: $0.name, mtu: $0.mtu, namespace: $0.linkNetnsid.flatMap { namespaces[$0] }, netnsid: $0.linkNetnsid)
            }
            // Docker's entries: the device's IPv4 neighbours, and its own FDB entries but the default destinations (MAC zero).
            let vtepByMAC = fdb.filter { $0.device == v.name && $0.mac != MACAddress.zero }
            var peers = neighbours.filter { $0.device == v.name }.map { n in
                Peer(address: n.address, mac: n.mac, vtep: vtepByMAC.first { $0.mac == n.mac }?.destination)
            }
            var seen = Set(peers.map(\.mac))
            for e in vtepByMAC where seen.insert(e.mac).inserted { peers.append(Peer(address: nil, mac: e.mac, vtep: e.destination)) }
            // By address (then MAC), so that the report does not follow the kernel's hash order.
            peers.sort { a, b in
                switch (a.address, b.address) {
                case let (x?, y?) where x != y: return x < y
                case (_?, nil): return true
                case (nil, _?): return false
                default: return a.mac.bytes.lexicographicallyPrecedes(b.mac.bytes)
                }
            }
            return OverlayNetwork(
                device: v.name, vni: number("id").map { UInt32($0) }, port: number("port").map { UInt16($0) }, proxy: flag("proxy"),
                l2miss: flag("l2miss"), l3miss: flag("l3miss"), learning: settings.value("learning") != .flag(false), mtu: v.mtu,
                bridge: bridge?.name, bridgeMTU: bridge?.mtu, endpoints: endpoints, peers: peers)
        }
    }
}

extension OverlayNetwork {
    /// The overlay's MTU Docker gives by default: the underlay's 1500 less VXLAN's 50 bytes.
    public static let defaultMTU = 1450
    /// VXLAN's IANA port, Docker's default.
    public static let vxlanPort: UInt16 = 4789

    /// What `overlay create` builds of one overlay network on one node, as Docker's overlay driver
    /// builds it in the network's namespace (`1-<network id>`): a bridge holding the gateway address
    /// and a VXLAN device enslaved to it, both with the overlay's MTU. Read back, it is an `OverlayNetwork`.
    public struct Definition: Hashable, Sendable {
        public var vni: UInt32
        public var subnet: IPv4Subnet
        public var gateway: IPv4Address
        public var mtu: Int
        public var port: UInt16
        public var local: IPv4Address?
        public var bridge: String
        public var vxlan: String

        public init(
            vni: UInt32, subnet: IPv4Subnet, gateway: IPv4Address, mtu: Int = defaultMTU, port: UInt16 = vxlanPort,
            local: IPv4Address? = nil, bridge: String = "br0", vxlan: String = "vxlan0"
        ) throws(ValidationError) {
            guard (1...0xff_ffff).contains(vni) else { throw ValidationError("\(vni)", "VXLAN id (1-16777215)") }
            guard subnet.contains(gateway) else { throw ValidationError("\(gateway)", "gateway (not in \(subnet))") }
            guard (68...65535).contains(mtu) else { throw ValidationError("\(mtu)", "MTU (68-65535)") }
            self.vni = vni
            self.subnet = subnet
            self.gateway = gateway
            self.mtu = mtu
            self.port = port
            self.local = local
            self.bridge = bridge
            self.vxlan = vxlan
        }
    }
}

/// A container's endpoint on an overlay network: a veth pair whose end in the overlay namespace is a
/// port of its bridge and whose other end is the container's interface (eth0) with its address and
/// MAC, both up. Docker adds no route through the overlay beyond the subnet's own (the default route
/// goes through docker_gwbridge).
public struct OverlayAttachment: Hashable, Sendable {
    public var address: InterfaceAddress
    public var mac: MACAddress
    /// The end in the overlay namespace: by default `veth` and the address in hex, so that attaching
    /// again finds it.
    public var veth: String
    public var mtu: Int
    public var bridge: String

    public init(
        address: InterfaceAddress, mac: MACAddress, veth: String? = nil, mtu: Int = OverlayNetwork.defaultMTU, bridge: String = "br0"
    ) {
        self.address = address
        self.mac = mac
        let hex = String(address.address.value, radix: 16)
        self.veth = veth ?? "veth" + String(repeating: "0", count: 8 - hex.count) + hex
        self.mtu = mtu
        self.bridge = bridge
    }

    /// An address with its prefix length: `10.0.0.5/24`.
    public static func parseAddress(_ text: String) throws(ValidationError) -> (IPv4Address, Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), (1...32).contains(length) else {
            throw ValidationError(text, "address with prefix length (e.g. 10.0.0.5/24)")
        }
        return (try IPv4Address(parsing: String(parts[0])), length)
    }
}
