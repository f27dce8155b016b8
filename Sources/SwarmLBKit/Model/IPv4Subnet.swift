/// An IPv4 prefix such as 10.0.0.0/24, normalised to its network address as iptables prints it.
/// A bare address is a /32.
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible {
    public let network: IPv4Address
    /// The prefix length in a byte: every rule holds two subnets, and rules are copied by the thousand.
    private let length: UInt8
    public var prefixLength: Int { Int(length) }

    public init(_ address: IPv4Address, prefixLength: Int) {
        network = IPv4Address(address.value & Self.mask(prefixLength))
        length = UInt8(prefixLength)
    }

    public init(parsing text: String) throws(ValidationError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw ValidationError(text, "subnet (want A.B.C.D/N)") }
        let address: IPv4Address
        do { address = try IPv4Address(parsing: String(parts[0])) } catch { throw ValidationError(text, "subnet (want A.B.C.D/N)") }
        var length = 32
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...32).contains(n), parts[1].allSatisfy(\.isNumber)
            else { throw ValidationError(text, "subnet prefix length (0-32)") }
            length = n
        }
        self.init(address, prefixLength: length)
    }

    public static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length) }
    public var mask: UInt32 { Self.mask(prefixLength) }

    public func contains(_ a: IPv4Address) -> Bool { a.value & mask == network.value }

    public var description: String { "\(network)/\(prefixLength)" }

}
