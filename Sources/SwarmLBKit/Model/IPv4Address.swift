/// An IPv4 address in host byte order, parsed strictly from dotted quads (no `10.1`, no leading zeros).
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// 127.0.0.11, where Docker's embedded resolver listens in every container.
    public static let embeddedResolver = IPv4Address(0x7f00_000b)

    public init(parsing text: String) throws(ValidationError) {
        guard let value = text.withUTF8Bytes(Self.dottedQuad) else { throw ValidationError(text, "IPv4 address") }
        self.value = value
    }

    /// The value of a dotted quad, byte by byte (a services file holds tens of thousands), or nil.
    private static func dottedQuad(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var v: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        for b in bytes {
            if b == 0x2e {
                guard digits > 0 else { return nil }
                v = v << 8 | octet
                (octet, digits, dots) = (0, 0, dots + 1)
                continue
            }
            // A digit after a lone 0 is a leading zero (010 is octal to inet_aton): refused.
            guard b >= 0x30, b <= 0x39, digits < 3, !(digits == 1 && octet == 0) else { return nil }
            octet = octet * 10 + UInt32(b - 0x30)
            digits += 1
            guard octet <= 255 else { return nil }
        }
        guard dots == 3, digits > 0 else { return nil }
        return v << 8 | octet
    }

    /// Parses an address a service can be reached at: not 0.0.0.0, 255.255.255.255, multicast
    /// (224.0.0.0/4) or loopback (127.0.0.0/8), which the kernel accepts as a /32 but never routes to a service.
    public init(parsingVIP text: String) throws(ValidationError) {
        try self.init(parsing: text)
        let why: String? =
            switch value {
            case 0: "the unspecified address"
            case 0xffff_ffff: "the broadcast address"
            case _ where value >> 28 == 0xe: "a multicast address"
            case _ where value >> 24 == 127: "a loopback address"
            default: nil
            }
        if let why { throw ValidationError(text, "VIP (\(why) cannot be a service address)") }
    }

    /// The address as the kernel stores it (network byte order in a UInt32's memory).
    public var networkOrder: UInt32 { value.bigEndian }
    public init(networkOrder: UInt32) { value = UInt32(bigEndian: networkOrder) }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }

    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }

}
