/// An IPv4 address assigned to a device, as `ip addr` shows it: `10.0.0.2/32 dev eth0`.
public struct InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var prefixLength: Int
    public var device: String

    public init(address: IPv4Address, prefixLength: Int = 32, device: String) {
        self.address = address
        self.prefixLength = prefixLength
        self.device = device
    }

    public var description: String { "\(address)/\(prefixLength) dev \(device)" }

    /// The address and prefix only (`==` still compares the device too): apply hashes one per VIP,
    /// thousands, and the device's name would be hashed as a string each time.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(prefixLength)
    }
}
