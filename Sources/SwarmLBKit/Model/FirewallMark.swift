/// A netfilter firewall mark that ties a MARK rule to an IPVS fwmark service.
/// Accepts decimal (`257`) or hex (`0x101`); 0 and values above 0xffffffff are rejected.
/// iptables prints it in hex (`0x101`), ipvsadm in decimal (`FWM  257`).
public struct FirewallMark: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(parsing text: String) throws(ValidationError) {
        guard let value = text.withUTF8Bytes(Self.number) else { throw ValidationError(text, Self.expected) }
        self.value = value
    }

    /// A mark's value, decimal or 0x hex, byte by byte (a services file holds thousands), or nil.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let hex = bytes.count > 2 && bytes[0] == 0x30 && bytes[1] | 0x20 == 0x78
        var v: UInt64 = 0
        for b in bytes.dropFirst(hex ? 2 : 0) {
            let digit: UInt64
            switch b {
            case 0x30...0x39: digit = UInt64(b - 0x30)
            case 0x61...0x66 where hex: digit = UInt64(b - 0x61 + 10)
            case 0x41...0x46 where hex: digit = UInt64(b - 0x41 + 10)
            default: return nil
            }
            v = v * (hex ? 16 : 10) + digit
            guard v <= 0xffff_ffff else { return nil }
        }
        guard bytes.count > (hex ? 2 : 0), v >= 1 else { return nil }
        return UInt32(v)
    }

    private static let expected = "firewall mark (1 to 0xffffffff, decimal or 0x hex)"

    /// The iptables spelling, e.g. `0x101`.
    public var hex: String { "0x" + String(value, radix: 16) }
    /// The ipvsadm spelling, e.g. `257`.
    public var description: String { String(value) }

    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}
