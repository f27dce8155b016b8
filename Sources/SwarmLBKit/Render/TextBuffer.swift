/// An output buffer of ASCII/UTF-8 bytes with printf-style padding, so listings of thousands of
/// lines are written without building a String per field.
public struct TextBuffer {
    /// The bytes, in memory of its own: a write is a bounds check and a copy, with none of Array's
    /// generic append path (a listing writes tens of fields per line). Fixed once made (a larger
    /// buffer is a new one), so reading it needs no exclusive-access check.
    private final class Storage {
        let start: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 16)
            start = .allocate(capacity: self.capacity)
        }

        deinit { start.deallocate() }
    }

    private var storage: Storage
    public private(set) var count = 0

    public init(capacity: Int = 4096) { storage = Storage(capacity: capacity) }

    /// `more` writable bytes at the end, the storage this value's own.
    @inline(__always)
    private mutating func room(_ more: Int) -> UnsafeMutablePointer<UInt8> {
        if _slowPath(!isKnownUniquelyReferenced(&storage) || storage.capacity - count < more) { replaceStorage(more) }
        return storage.start + count
    }

    /// A storage of this value's own with room for `more` bytes, the capacity doubled as needed.
    private mutating func replaceStorage(_ more: Int) {
        var capacity = storage.capacity
        while capacity - count < more { capacity *= 2 }
        let larger = Storage(capacity: capacity)
        larger.start.update(from: storage.start, count: count)
        storage = larger
    }

    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// `body` given the bytes written so far.
    public func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: storage.start, count: count))
    }

    public mutating func write(_ s: String) {
        // UTF8View's own bulk copy (a memcpy, from the stack for a small string).
        let n = s.utf8.count
        _ = UnsafeMutableBufferPointer(start: room(n), count: n).initialize(from: s.utf8)
        count += n
    }

    /// A literal's bytes, copied with no String made: typed `StaticString` where a listing writes words per line.
    public mutating func write(_ s: StaticString) {
        write(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    public mutating func write(_ byte: UInt8) {
        room(1).pointee = byte
        count += 1
    }

    public mutating func write(_ text: UnsafeRawBufferPointer) {
        guard let base = text.baseAddress else { return }
        room(text.count).update(from: base.assumingMemoryBound(to: UInt8.self), count: text.count)
        count += text.count
    }

    public mutating func spaces(_ n: Int) {
        guard n > 0 else { return }
        room(n).update(repeating: UInt8(ascii: " "), count: n)
        count += n
    }

    /// `%-Ns`: the string, then spaces up to `width`.
    public mutating func left(_ s: String, _ width: Int) {
        let start = count
        write(s)
        spaces(width - (count - start))
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
            let p = room(3)
            var i = 0
            if n >= 100 { p[i] = UInt8(ascii: "0") + UInt8(n / 100); i += 1 }
            if n >= 10 { p[i] = UInt8(ascii: "0") + UInt8(n / 10 % 10); i += 1 }
            p[i] = UInt8(ascii: "0") + UInt8(n % 10)
            count += i + 1
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
            write(UnsafeRawBufferPointer(rebasing: d[(20 - count)...]))
        }
    }

    /// `%-Nu`: the number, then spaces up to `width`.
    public mutating func left(_ n: UInt64, _ width: Int) {
        let start = count
        write(n)
        spaces(width - (count - start))
    }

    /// `%Nu`: the number right-aligned in `width`.
    public mutating func right(_ n: UInt64, _ width: Int) {
        spaces(width - Self.digitCount(n))
        write(n)
    }

    /// The lower-case hexadecimal digits of `n`, no `0x`.
    public mutating func write(hex n: UInt32) {
        let digits = max(1, (32 - n.leadingZeroBitCount + 3) / 4)
        let p = room(digits)
        for i in 0..<digits {
            let d = UInt8(truncatingIfNeeded: n >> UInt32(4 * (digits - 1 - i))) & 0xf
            p[i] = d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") - 10 + d
        }
        count += digits
    }

    /// Empties the buffer, keeping its room (a listing written out in parts).
    public mutating func removeAll() {
        _ = room(0)
        count = 0
    }

    /// Room for `count` more bytes, so a listing of known size grows its buffer once.
    public mutating func reserve(_ count: Int) { _ = room(count) }

    /// An IPv4 address as dotted quad, its digits written in place.
    public mutating func write(_ a: IPv4Address) {
        let p = room(15)
        var i = 0
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = UInt8(truncatingIfNeeded: a.value >> UInt32(shift))
            if octet >= 100 { p[i] = UInt8(ascii: "0") + octet / 100; i += 1 }
            if octet >= 10 { p[i] = UInt8(ascii: "0") + octet / 10 % 10; i += 1 }
            p[i] = UInt8(ascii: "0") + octet % 10
            i += 1
            if shift > 0 { p[i] = UInt8(ascii: "."); i += 1 }
        }
        count += i
    }

    static func digitCount(_ n: UInt64) -> Int {
        var count = 1
        var v = n
        while v >= 10 { v /= 10; count += 1 }
        return count
    }
}
