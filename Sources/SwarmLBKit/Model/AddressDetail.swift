/// One address of any family with everything `ip -o addr show` prints about it.
public struct AddressDetail: Hashable, Sendable, Encodable {
    public var interfaceIndex: Int32
    public var interface: String
    public var family: String  // "inet" or "inet6"
    public var local: String
    public var peer: String?
    public var prefixLength: Int
    public var broadcast: String?
    public var scope: UInt8
    public var flags: UInt32
    public var label: String?
    public var validLifetime: UInt32
    public var preferredLifetime: UInt32
    /// IFA_PROTO, when the kernel sent it (5.18+): who made the address (1 loopback, 2 router advertisement, 3 link-local).
    public var `protocol`: UInt8? = nil

    /// In JSON the interface is the `device`, as everywhere else in swarmlb's output.
    enum CodingKeys: String, CodingKey {
        case interfaceIndex = "deviceIndex", interface = "device"
        case family, local, peer, prefixLength, broadcast, scope, flags, label, validLifetime, preferredLifetime, `protocol`
    }
}
