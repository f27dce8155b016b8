/// DNS wire format (RFC 1035, EDNS0 RFC 6891) for the embedded resolver: a strict query parser
/// that never reads out of bounds or follows a pointer loop, and a response writer.
public enum DNSMessage {
    public enum RecordType: UInt16, Sendable {
        case a = 1, ptr = 12, aaaa = 28, opt = 41, any = 255
    }

    public enum ResponseCode: UInt8, Sendable {
        case noError = 0, formErr = 1, servFail = 2, nxDomain = 3, notImp = 4, refused = 5
    }

    /// A parsed query: the one question (its name in the client's own letter case, for DNS 0x20)
    /// and the client's EDNS0 record, if any.
    public struct Query: Sendable, Equatable {
        public var id: UInt16
        public var flags: UInt16
        public var name: [UInt8]          // dotted, original case, no trailing dot
        public var type: UInt16
        public var qclass: UInt16
        /// The question as it appeared on the wire (labels, type, class), echoed in responses.
        public var questionWire: [UInt8]
        /// The client's EDNS0 UDP payload size, when it sent an OPT record.
        public var ednsSize: UInt16?

        public var nameText: String { String(decoding: name, as: UTF8.self) }
        public var recursionDesired: Bool { flags & 0x0100 != 0 }
        public var opcode: UInt8 { UInt8(flags >> 11 & 0xf) }
    }

    /// Why a packet cannot be answered normally.
    public enum ParseFailure: Error, Equatable {
        /// Shorter than a header, or a response: nothing sensible to answer; drop it.
        case drop
        /// Malformed in a way the client should hear about: answer FORMERR with this id.
        case formErr(id: UInt16, flags: UInt16)
    }

    public static let headerSize = 12

    public static func parseQuery(_ p: [UInt8]) -> Result<Query, ParseFailure> {
        guard p.count >= headerSize else { return .failure(.drop) }
        let id = UInt16(p[0]) << 8 | UInt16(p[1])
        let flags = UInt16(p[2]) << 8 | UInt16(p[3])
        if flags & 0x8000 != 0 { return .failure(.drop) }  // a response: never answer one
        let formErr = ParseFailure.formErr(id: id, flags: flags)
        let qd = u16(p, 4), an = u16(p, 6), ns = u16(p, 8), ar = u16(p, 10)
        guard qd == 1, an == 0, ns == 0, ar <= 1 else { return .failure(formErr) }
        var offset = headerSize
        guard let name = readName(p, &offset), offset + 4 <= p.count else { return .failure(formErr) }
        let type = u16(p, offset), qclass = u16(p, offset + 2)
        let questionWire = Array(p[headerSize..<(offset + 4)])
        offset += 4
        var ednsSize: UInt16?
        if ar == 1 {
            // The one additional record must be an OPT with the root name.
            guard offset + 11 <= p.count, p[offset] == 0, u16(p, offset + 1) == RecordType.opt.rawValue else {
                return .failure(formErr)
            }
            let rdlength = Int(u16(p, offset + 9))
            guard offset + 11 + rdlength == p.count else { return .failure(formErr) }
            ednsSize = max(512, u16(p, offset + 3))
        } else if offset != p.count {
            return .failure(formErr)
        }
        return .success(Query(id: id, flags: flags, name: name, type: type, qclass: qclass, questionWire: questionWire,
                               ednsSize: ednsSize))
    }

    static func u16(_ p: [UInt8], _ i: Int) -> UInt16 { UInt16(p[i]) << 8 | UInt16(p[i + 1]) }

    /// Reads a name at `offset` (advanced past it), following compression pointers only backwards
    /// and at most 32 times; labels 1-63 bytes, at most 255 bytes in all. Returns nil when malformed.
    static func readName(_ p: [UInt8], _ offset: inout Int) -> [UInt8]? {
        var name: [UInt8] = []
        var position = offset
        var jumped = false
        var jumps = 0
        var wireLength = 1
        while true {
            guard position < p.count else { return nil }
            let length = Int(p[position])
            if length == 0 {
                if !jumped { offset = position + 1 }
                return name
            }
            if length & 0xc0 == 0xc0 {
                guard position + 1 < p.count else { return nil }
                let target = (length & 0x3f) << 8 | Int(p[position + 1])
                jumps += 1
                guard target < position, jumps <= 32 else { return nil }
                if !jumped { offset = position + 2 }
                jumped = true
                position = target
                continue
            }
            guard length <= 63, position + 1 + length <= p.count else { return nil }
            wireLength += length + 1
            guard wireLength <= 255 else { return nil }
            if !name.isEmpty { name.append(0x2e) }
            name.append(contentsOf: p[(position + 1)...(position + length)])
            position += 1 + length
        }
    }

    /// A resource record of an answer: its data already in wire form.
    public struct Record: Sendable, Equatable {
        public var type: RecordType
        public var ttl: UInt32
        public var data: [UInt8]
        public init(type: RecordType, ttl: UInt32, data: [UInt8]) {
            self.type = type
            self.ttl = ttl
            self.data = data
        }

        public static func a(_ address: IPv4AddressBytes, ttl: UInt32) -> Record {
            Record(type: .a, ttl: ttl, data: [address.0, address.1, address.2, address.3])
        }

        /// A PTR record pointing at `target` (a dotted name).
        public static func ptr(_ target: String, ttl: UInt32) -> Record {
            Record(type: .ptr, ttl: ttl, data: encodeName(target))
        }
    }

    public typealias IPv4AddressBytes = (UInt8, UInt8, UInt8, UInt8)

    /// A dotted name in wire form (no compression).
    public static func encodeName(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        for label in name.split(separator: ".") where !label.isEmpty {
            out.append(UInt8(label.utf8.count))
            out.append(contentsOf: label.utf8)
        }
        out.append(0)
        return out
    }

    /// The response to `query`: the question echoed as the client wrote it, the answers (each
    /// naming the question through a compression pointer), an OPT record when the client sent one,
    /// and TC set when the answers do not fit in `limit` bytes (those that fit are kept).
    public static func response(to query: Query, code: ResponseCode, answers: [Record], limit: Int,
                                authoritative: Bool = true) -> [UInt8] {
        var flags: UInt16 = 0x8000 | (query.flags & 0x7900) | 0x0080 | UInt16(code.rawValue)  // QR, opcode + RD, RA
        if authoritative { flags |= 0x0400 }
        let opt: [UInt8] = query.ednsSize == nil ? [] : [0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]  // root, OPT, 4096, no flags
        var body = query.questionWire
        var count = 0
        for r in answers {
            let rr: [UInt8] = [0xc0, 0x0c, UInt8(r.type.rawValue >> 8), UInt8(r.type.rawValue & 0xff), 0, 1,
                               UInt8(r.ttl >> 24), UInt8(r.ttl >> 16 & 0xff), UInt8(r.ttl >> 8 & 0xff), UInt8(r.ttl & 0xff),
                               UInt8(r.data.count >> 8), UInt8(r.data.count & 0xff)] + r.data
            if headerSize + body.count + rr.count + opt.count > limit {
                flags |= 0x0200  // TC
                break
            }
            body += rr
            count += 1
        }
        let header: [UInt8] = [UInt8(query.id >> 8), UInt8(query.id & 0xff), UInt8(flags >> 8), UInt8(flags & 0xff), 0, 1,
                               UInt8(count >> 8), UInt8(count & 0xff), 0, 0, 0, opt.isEmpty ? 0 : 1]
        return header + body + opt
    }

    /// A response with no question section processing possible beyond the header (FORMERR for junk).
    public static func headerOnly(id: UInt16, flags requestFlags: UInt16, code: ResponseCode) -> [UInt8] {
        let flags: UInt16 = 0x8000 | (requestFlags & 0x7900) | 0x0080 | UInt16(code.rawValue)
        return [UInt8(id >> 8), UInt8(id & 0xff), UInt8(flags >> 8), UInt8(flags & 0xff), 0, 0, 0, 0, 0, 0, 0, 0]
    }
}
