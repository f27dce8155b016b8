/// One overlay network's plane on one node, as Docker's overlay driver builds it in the network's
/// namespace (`1-<network id>`): a bridge holding the gateway address and a VXLAN device enslaved to
/// it, both with the overlay's MTU (the underlay's 1500 less VXLAN's 50 bytes by default).
public struct OverlayNetwork: Hashable, Sendable {
    public var vni: UInt32
    public var subnet: IPv4Subnet
    public var gateway: IPv4Address
    public var mtu: Int
    public var port: UInt16
    public var local: IPv4Address?
    public var bridge: String
    public var vxlan: String

    public static let defaultMTU = 1450
    public static let vxlanPort: UInt16 = 4789

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
