/// Domain names as the resolver stores and compares them: lowercased, without the trailing dot.
public enum DNSName {
    /// Letters, digits, '-' and '_' in dot-separated labels of 1-63 bytes, at most 253 in all.
    public static func isValid(_ name: String) -> Bool { name.withUTF8Bytes(isValid) }

    /// One pass over the bytes: a services file holds tens of thousands of names.
    private static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var label = 0
        for b in bytes {
            if b == 0x2e {
                guard label > 0 else { return false }
                label = 0
                continue
            }
            let allowed = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x2d || b == 0x5f
            guard allowed else { return false }
            label += 1
            guard label <= 63 else { return false }
        }
        return bytes.count <= 253 && label > 0
    }

    /// The lookup key of a name: ASCII-lowercased, trailing dot removed.
    public static func key(_ name: String) -> String {
        // Most names are keys already (lower case, no final dot): no copy for them.
        if name.withUTF8Bytes({ $0.last != 0x2e && !$0.contains { $0 >= 0x41 && $0 <= 0x5a } }) { return name }
        var bytes = Array(name.utf8)
        if bytes.last == 0x2e { bytes.removeLast() }
        for i in bytes.indices where bytes[i] >= 0x41 && bytes[i] <= 0x5a { bytes[i] += 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
