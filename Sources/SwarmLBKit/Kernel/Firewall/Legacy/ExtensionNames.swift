/// The names of the x_tables extensions one read meets, each made into a String once: a table of
/// thousands of rules names a handful of extensions, and a name is read for every match and target.
struct ExtensionNames {
    /// The name fields seen (their 29 bytes, as four overlapping words) and the names made of them.
    private var keys: [SIMD4<UInt64>] = []
    private var names: [String] = []
    /// Beyond this many distinct fields a name is made each time, so a hostile table costs no more
    /// than a scan of this many keys per record.
    private static let limit = 16

    /// The name in the 29-byte, NUL-padded name field at `field` (XT_EXTENSION_MAXNAMELEN).
    mutating func name(at field: UnsafeRawPointer) -> String {
        let key = SIMD4(
            UInt64(littleEndian: field.loadUnaligned(as: UInt64.self)),
            UInt64(littleEndian: field.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            UInt64(littleEndian: field.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            UInt64(littleEndian: field.loadUnaligned(fromByteOffset: 21, as: UInt64.self)))
        for i in keys.indices where keys[i] == key { return names[i] }
        let start = field.assumingMemoryBound(to: UInt8.self)
        var length = 0
        while length < 29, start[length] != 0 { length += 1 }
        // A typed buffer of the name's length, not a slice: String's contiguous fast path.
        let name = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        if keys.count < Self.limit {
            keys.append(key)
            names.append(name)
        }
        return name
    }
}
