/// An output buffer of ASCII/UTF-8 bytes with printf-style padding, so listings of thousands of
/// lines are written without building a String per field.
public struct TextBuffer {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func write(_ s: String) { bytes.append(contentsOf: s.utf8) }

    public mutating func write(_ byte: UInt8) { bytes.append(byte) }

    public mutating func write(_ text: [UInt8]) { bytes.append(contentsOf: text) }

    public mutating func spaces(_ n: Int) {
        if n > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }

    /// `%-Ns`: the string, then spaces up to `width`.
    public mutating func left(_ s: String, _ width: Int) {
        let start = bytes.count
        write(s)
        spaces(width - (bytes.count - start))
    }

    /// `%Ns`: spaces, then the string, right-aligned in `width`.
    public mutating func right(_ s: String, _ width: Int) {
        spaces(width - s.utf8.count)
        write(s)
    }

    /// The decimal digits of `n`.
    public mutating func write(_ n: UInt64) {
        // Up to three digits (address octets, prefix lengths, ports below 1000) byte by byte.
        if n < 1000 {
            if n >= 100 { bytes.append(UInt8(ascii: "0") + UInt8(n / 100)) }
            if n >= 10 { bytes.append(UInt8(ascii: "0") + UInt8(n / 10 % 10)) }
            bytes.append(UInt8(ascii: "0") + UInt8(n % 10))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = n
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            bytes.append(contentsOf: d[(20 - count)...])
        }
    }

    /// `%-Nu`: the number, then spaces up to `width`.
    public mutating func left(_ n: UInt64, _ width: Int) {
        let start = bytes.count
        write(n)
        spaces(width - (bytes.count - start))
    }

    /// `%Nu`: the number right-aligned in `width`.
    public mutating func right(_ n: UInt64, _ width: Int) {
        spaces(width - Self.digitCount(n))
        write(n)
    }

    /// The lower-case hexadecimal digits of `n`, no `0x`.
    public mutating func write(hex n: UInt32) {
        let digits = max(1, (32 - n.leadingZeroBitCount + 3) / 4)
        for i in stride(from: digits - 1, through: 0, by: -1) {
            let d = UInt8(truncatingIfNeeded: n >> UInt32(4 * i)) & 0xf
            bytes.append(d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") - 10 + d)
        }
    }

    /// Empties the buffer, keeping its room (a listing written out in parts).
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// Room for `count` more bytes, so a listing of known size grows its buffer once.
    public mutating func reserve(_ count: Int) { bytes.reserveCapacity(bytes.count + count) }

    /// An IPv4 address as dotted quad.
    public mutating func write(_ a: IPv4Address) {
        write(UInt64(a.value >> 24)); write(UInt8(ascii: "."))
        write(UInt64(a.value >> 16 & 0xff)); write(UInt8(ascii: "."))
        write(UInt64(a.value >> 8 & 0xff)); write(UInt8(ascii: "."))
        write(UInt64(a.value & 0xff))
    }

    static func digitCount(_ n: UInt64) -> Int {
        var count = 1
        var v = n
        while v >= 10 { v /= 10; count += 1 }
        return count
    }
}
