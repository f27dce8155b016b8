import CIPTC

/// The extension records one read meets, by name and revision, each name made into a String and
/// looked up among swarmlb's decoders once: a table of thousands of rules names a handful of
/// extensions, and every match and target record carries one.
struct ExtensionNames {
    /// What a record's name and revision say.
    struct Entry {
        let name: String
        let revision: UInt8
        /// The decoder of a match of this name and revision, nil when swarmlb models none.
        let match: RuleCodec.MatchDecoder?
        /// The decoder of a target of this name and revision, nil when swarmlb models none.
        let target: RuleCodec.TargetDecoder?
        /// A target record of libiptc's standard kinds: a verdict, a jump or an error (no extension).
        let isStandard: Bool
    }

    /// The name fields and revisions seen (their 30 bytes, as four overlapping words) and what they say.
    private var keys: [SIMD4<UInt64>] = []
    private var entries: [Entry] = []
    /// Beyond this many distinct records one is looked up each time, so a hostile table costs no
    /// more than a scan of this many keys per record.
    private static let limit = 16

    /// The entry of the 29-byte, NUL-padded name field at `field` (XT_EXTENSION_MAXNAMELEN) and the
    /// revision byte after it, as an xt_entry_match or xt_entry_target header holds them.
    mutating func entry(at field: UnsafeRawPointer) -> Entry {
        let key = SIMD4(
            UInt64(littleEndian: field.loadUnaligned(as: UInt64.self)),
            UInt64(littleEndian: field.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            UInt64(littleEndian: field.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            UInt64(littleEndian: field.loadUnaligned(fromByteOffset: 22, as: UInt64.self)))
        for i in keys.indices where keys[i] == key { return entries[i] }
        let start = field.assumingMemoryBound(to: UInt8.self)
        var length = 0
        while length < 29, start[length] != 0 { length += 1 }
        // A typed buffer of the name's length, not a slice: String's contiguous fast path.
        let name = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        let revision = field.load(fromByteOffset: 29, as: UInt8.self)
        let entry = Entry(
            name: name, revision: revision,
            match: RuleCodec.MatchDecoder(name: name, revision: revision),
            target: RuleCodec.TargetDecoder(name: name, revision: revision),
            isStandard: name.isEmpty || name == XT_STANDARD_TARGET || name == XT_ERROR_TARGET)
        if keys.count < Self.limit {
            keys.append(key)
            entries.append(entry)
        }
        return entry
    }
}
