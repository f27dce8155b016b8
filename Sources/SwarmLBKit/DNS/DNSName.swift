/// Domain names as the resolver stores and compares them: lowercased, without the trailing dot.
public enum DNSName {
    /// Letters, digits, '-' and '_' in dot-separated labels of 1-63 bytes, at most 253 in all.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x2d || b == 0x5f
            }
        }
    }

    /// The lookup key of a name: ASCII-lowercased, trailing dot removed.
    public static func key(_ name: String) -> String {
        var bytes = Array(name.utf8)
        if bytes.last == 0x2e { bytes.removeLast() }
        for i in bytes.indices where bytes[i] >= 0x41 && bytes[i] <= 0x5a { bytes[i] += 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
