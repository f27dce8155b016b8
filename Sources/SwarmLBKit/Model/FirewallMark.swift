/// A netfilter firewall mark that ties a MARK rule to an IPVS fwmark service.
/// Accepts decimal (`257`) or hex (`0x101`); 0 and values above 0xffffffff are rejected.
/// iptables prints it in hex (`0x101`), ipvsadm in decimal (`FWM  257`).
public struct FirewallMark: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(parsing text: String) throws(ValidationError) {
        let lower = text.lowercased()
        let parsed: UInt64? =
            lower.hasPrefix("0x")
            ? UInt64(lower.dropFirst(2), radix: 16)
            : (lower.allSatisfy(\.isNumber) ? UInt64(lower) : nil)
        guard let v = parsed, v >= 1, v <= 0xffff_ffff else {
            throw ValidationError(text, "firewall mark (1 to 0xffffffff, decimal or 0x hex)")
        }
        value = UInt32(v)
    }

    /// The iptables spelling, e.g. `0x101`.
    public var hex: String { "0x" + String(value, radix: 16) }
    /// The ipvsadm spelling, e.g. `257`.
    public var description: String { String(value) }

    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}
