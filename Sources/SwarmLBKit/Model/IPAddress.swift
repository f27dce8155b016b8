import Glibc

/// An IPv6 address (16 bytes, network order), printed as inet_ntop(3) prints it (`2001:db8::1`).
public struct IPv6Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The four 32-bit words in host order, most significant first (how ipvsadm compares them).
    public let words: (UInt32, UInt32, UInt32, UInt32)

    public init(words: (UInt32, UInt32, UInt32, UInt32)) { self.words = words }

    /// From the 16 bytes of an in6_addr, in network order.
    public init(bytes: some Collection<UInt8>) {
        let b = Array(bytes.prefix(16)) + Array(repeating: 0, count: max(0, 16 - bytes.count))
        func word(_ i: Int) -> UInt32 { b[i * 4..<i * 4 + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        words = (word(0), word(1), word(2), word(3))
    }

    public init(parsing text: String) throws(ValidationError) {
        var raw = in6_addr()
        guard inet_pton(AF_INET6, text, &raw) == 1 else { throw ValidationError(text, "IPv6 address") }
        self.init(bytes: withUnsafeBytes(of: raw) { Array($0) })
    }

    /// The 16 bytes in network order.
    public var bytes: [UInt8] {
        [words.0, words.1, words.2, words.3].flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (24 - 8 * $0)) } }
    }

    public var description: String {
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        return inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)).map { String(cString: $0) } ?? "?"
    }

    public static func == (a: Self, b: Self) -> Bool { a.words == b.words }
    public func hash(into h: inout Hasher) {
        h.combine(words.0); h.combine(words.1); h.combine(words.2); h.combine(words.3)
    }
    public static func < (a: Self, b: Self) -> Bool { a.words < b.words }
}

/// An address of either family: IPVS services and real servers may be IPv6
/// (`ipvsadm -A -t [2001:db8::1]:80`); everything swarmlb programs itself is IPv4.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    public var ipv4: IPv4Address? {
        if case .v4(let a) = self { return a }
        return nil
    }

    public var isIPv6: Bool { if case .v6 = self { true } else { false } }

    public var description: String {
        switch self {
        case .v4(let a): a.description
        case .v6(let a): a.description
        }
    }

    /// As ipvsadm joins an address and a port: `10.0.0.3:80`, `[2001:db8::1]:80`.
    public func endpoint(_ port: UInt16) -> String {
        switch self {
        case .v4(let a): "\(a):\(port)"
        case .v6(let a): "[\(a)]:\(port)"
        }
    }

    /// The four words of a `union nf_inet_addr` in host order (an IPv4 address is the first).
    var words: (UInt32, UInt32, UInt32, UInt32) {
        switch self {
        case .v4(let a): (a.value, 0, 0, 0)
        case .v6(let a): a.words
        }
    }
}
