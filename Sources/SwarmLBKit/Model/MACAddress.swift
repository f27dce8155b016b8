/// An Ethernet address as `ip link` and `bridge fdb` print it (`02:42:0a:00:00:05`): a container's
/// overlay interface, the lladdr of a neighbour entry, the key of an FDB entry.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 6, "an Ethernet address has 6 bytes")
        self.bytes = bytes
    }

    /// Six hexadecimal pairs separated by colons.
    public init(parsing text: String) throws(ValidationError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { throw ValidationError(text, "MAC address (six hex pairs, e.g. 02:42:0a:00:00:05)") }
        var bytes: [UInt8] = []
        for p in parts {
            guard (1...2).contains(p.count), let b = UInt8(p, radix: 16) else {
                throw ValidationError(text, "MAC address (six hex pairs, e.g. 02:42:0a:00:00:05)")
            }
            bytes.append(b)
        }
        self.init(bytes: bytes)
    }

    /// Docker's address for a container endpoint before 25.0 (libnetwork's GenerateMACFromIP):
    /// 02:42 followed by the four bytes of its IPv4 address.
    public init(derivedFrom address: IPv4Address) {
        let v = address.value
        self.init(bytes: [0x02, 0x42, UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)])
    }

    /// All zeros: the key of a VXLAN device's default destinations in its FDB, no peer's.
    public static let zero = MACAddress(bytes: [0, 0, 0, 0, 0, 0])

    /// A random locally administered unicast address, as Docker 25+ gives an endpoint without one.
    public static func random() -> MACAddress {
        var bytes = (0..<6).map { _ in UInt8.random(in: 0...255) }
        bytes[0] = bytes[0] & 0xfe | 0x02
        return MACAddress(bytes: bytes)
    }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }
}
