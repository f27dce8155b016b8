/// The attributes of one rtnetlink message (or of a nested attribute), by type, read as iproute2's
/// parse_rtattr reads them: the nested and byte-order bits of the type dropped, the first of a type kept.
struct NetlinkAttributes {
    private var values: [UInt16: ArraySlice<UInt8>] = [:]

    /// Parses the attributes in `bytes` (4-byte aligned records: length, type, payload).
    init(_ bytes: ArraySlice<UInt8>) {
        var offset = bytes.startIndex
        while offset + 4 <= bytes.endIndex {
            let length = Int(UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8)
            let type = (UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8) & 0x3fff
            guard length >= 4, offset + length <= bytes.endIndex else { break }
            if values[type] == nil { values[type] = bytes[(offset + 4)..<(offset + length)] }
            offset += (length + 3) & ~3
        }
    }

    func has(_ type: some BinaryInteger) -> Bool { values[UInt16(type)] != nil }

    subscript(_ type: some BinaryInteger) -> ArraySlice<UInt8>? { values[UInt16(type)] }

    func u8(_ type: some BinaryInteger) -> UInt8? { self[type].flatMap { $0.count >= 1 ? $0.first : nil } }
    func u16(_ type: some BinaryInteger) -> UInt16? { integer(type, as: UInt16.self) }
    func u32(_ type: some BinaryInteger) -> UInt32? { integer(type, as: UInt32.self) }
    func u64(_ type: some BinaryInteger) -> UInt64? { integer(type, as: UInt64.self) }
    /// A 16-bit value in network order (ports).
    func be16(_ type: some BinaryInteger) -> UInt16? { u16(type).map { UInt16(bigEndian: $0) } }

    /// A NUL-terminated string attribute.
    func string(_ type: some BinaryInteger) -> String? {
        guard let b = self[type] else { return nil }
        return String(decoding: b.prefix { $0 != 0 }, as: UTF8.self)
    }

    func nested(_ type: some BinaryInteger) -> NetlinkAttributes? { self[type].map(NetlinkAttributes.init) }

    private func integer<T: FixedWidthInteger>(_ type: some BinaryInteger, as: T.Type) -> T? {
        guard let b = self[type], b.count >= MemoryLayout<T>.size else { return nil }
        var v: T = 0
        for (i, byte) in b.prefix(MemoryLayout<T>.size).enumerated() { v |= T(byte) << (8 * i) }
        return v
    }
}

/// Little-endian reads of a fixed header's fields (ifinfomsg, rtmsg, ndmsg) at byte offsets.
extension ArraySlice<UInt8> {
    func u8(at offset: Int) -> UInt8 { self[startIndex + offset] }
    func u16(at offset: Int) -> UInt16 { UInt16(self[startIndex + offset]) | UInt16(self[startIndex + offset + 1]) << 8 }
    func u32(at offset: Int) -> UInt32 { UInt32(u16(at: offset)) | UInt32(u16(at: offset + 2)) << 16 }
}
