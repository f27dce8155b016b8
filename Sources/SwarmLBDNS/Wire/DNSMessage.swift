import Glibc

/// DNS wire format (RFC 1035, EDNS0 RFC 6891) for the embedded resolver: a strict query parser that
/// never reads out of bounds or follows a pointer loop, and a response writer. Both work on the
/// packet's own bytes and a caller's buffer, so answering a query copies only what it sends.
public enum DNSMessage {
    public enum RecordType: UInt16, Sendable {
        case a = 1, ptr = 12, aaaa = 28, opt = 41, any = 255
    }

    public enum ResponseCode: UInt8, Sendable {
        case noError = 0, formErr = 1, servFail = 2, nxDomain = 3, notImp = 4, refused = 5
    }

    /// A parsed query: header fields, where its one question ends in the packet (the question is
    /// echoed from there, in the client's letter case for DNS 0x20), and the client's EDNS0 size.
    /// The name itself goes, lowercased and uncompressed, to the buffer given to `parse`.
    public struct Question: Sendable, Equatable {
        public var id: UInt16
        public var flags: UInt16
        public var type: UInt16
        public var qclass: UInt16
        /// Bytes of the lowercased wire name (labels with their lengths, no final zero byte).
        public var nameLength: Int
        /// Offset just past the question's type and class.
        public var questionEnd: Int
        /// The client's EDNS0 UDP payload size, when it sent an OPT record.
        public var ednsSize: UInt16?

        public var opcode: UInt8 { UInt8(flags >> 11 & 0xf) }
        /// The most bytes a response may take: 65535 over TCP; over UDP 512, or the client's EDNS0
        /// size up to ours (RFC 6891 6.2.5).
        public func sizeLimit(overTCP: Bool) -> Int { overTCP ? 65535 : Int(min(ednsSize ?? 512, udpPayloadSize)) }
        /// Bytes of the question section.
        public var questionLength: Int { questionEnd - headerSize }
    }

    /// Why a packet cannot be answered normally.
    public enum ParseFailure: Error, Equatable {
        /// Shorter than a header, or a response: nothing sensible to answer; drop it.
        case drop
        /// Malformed in a way the client should hear about: answer FORMERR with this id.
        case formErr(id: UInt16, flags: UInt16)
    }

    public static let headerSize = 12
    /// Room a name buffer given to `parse` needs: a wire name is at most 255 bytes with its final zero.
    public static let maxNameLength = 254
    /// Bytes of the OPT record a response carries when the query had one: root, OPT, our size, no flags.
    static let optLength = 11
    /// The largest UDP response the resolver sends, advertised in its OPT record (RFC 6891 6.2.5:
    /// a response fits the smaller of the client's size and this).
    public static let udpPayloadSize: UInt16 = 4096

    /// Parses the query in `p`, writing its name lowercased into `name` (`maxNameLength` bytes).
    public static func parse(_ p: UnsafeRawBufferPointer, name: UnsafeMutableRawBufferPointer) -> Result<Question, ParseFailure> {
        guard p.count >= headerSize else { return .failure(.drop) }
        let id = u16(p, 0), flags = u16(p, 2)
        if flags & 0x8000 != 0 { return .failure(.drop) }  // a response: never answer one
        let formErr = ParseFailure.formErr(id: id, flags: flags)
        guard u16(p, 4) == 1, u16(p, 6) == 0, u16(p, 8) == 0 else { return .failure(formErr) }
        let additional = u16(p, 10)
        guard additional <= 1, let (nameLength, nameEnd) = readName(p, at: headerSize, into: name),
            nameEnd + 4 <= p.count
        else { return .failure(formErr) }
        var offset = nameEnd + 4
        var ednsSize: UInt16?
        if additional == 1 {
            // The one additional record must be an OPT with the root name, ending the packet.
            guard offset + 11 <= p.count, p[offset] == 0, u16(p, offset + 1) == RecordType.opt.rawValue,
                offset + 11 + Int(u16(p, offset + 9)) == p.count
            else { return .failure(formErr) }
            ednsSize = max(512, u16(p, offset + 3))
            offset = p.count
        }
        guard offset == p.count else { return .failure(formErr) }
        return .success(
            Question(
                id: id, flags: flags, type: u16(p, nameEnd), qclass: u16(p, nameEnd + 2),
                nameLength: nameLength, questionEnd: nameEnd + 4, ednsSize: ednsSize))
    }

    static func u16(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt16 { UInt16(p[i]) << 8 | UInt16(p[i + 1]) }

    /// Copies the name at `start` into `out` lowercased and uncompressed, following compression
    /// pointers only backwards and at most 32 times; labels 1-63 bytes, at most 255 bytes in all.
    /// Returns the copied length and where the name ends in the packet, or nil when malformed.
    static func readName(
        _ p: UnsafeRawBufferPointer, at start: Int,
        into out: UnsafeMutableRawBufferPointer
    ) -> (length: Int, end: Int)? {
        guard out.count >= maxNameLength else { return nil }
        var position = start, end: Int?, jumps = 0, length = 0
        while true {
            guard position < p.count else { return nil }
            let labelLength = Int(p[position])
            if labelLength == 0 { return (length, end ?? position + 1) }
            if labelLength & 0xc0 == 0xc0 {
                guard position + 1 < p.count else { return nil }
                let target = (labelLength & 0x3f) << 8 | Int(p[position + 1])
                jumps += 1
                guard target < position, jumps <= 32 else { return nil }
                if end == nil { end = position + 2 }
                position = target
                continue
            }
            guard labelLength <= 63, position + 1 + labelLength <= p.count,
                length + 1 + labelLength <= maxNameLength
            else { return nil }
            out[length] = UInt8(labelLength)
            for i in 1...labelLength {
                let b = p[position + i]
                out[length + i] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b
            }
            length += 1 + labelLength
            position += 1 + labelLength
        }
    }

    /// The most bytes `writeResponse` can need for `question` with `recordBytes` of answers.
    public static func responseCapacity(_ question: Question, recordBytes: Int, limit: Int) -> Int {
        // A question and an OPT record alone always fit the smallest limit (512).
        min(limit, headerSize + question.questionLength + recordBytes + optLength)
    }

    /// Writes the response to `question` (parsed from `packet`) into `out`, returning its length:
    /// the question echoed as the client wrote it, `count` answer records of `recordLength` bytes
    /// each from `records` (already naming the question by pointer 0xc00c), in random order when
    /// `shuffled`, an OPT record when the client sent one, and TC set when not all the records fit
    /// in `limit` bytes (as many whole records as fit are kept). `out` must hold `responseCapacity`.
    public static func writeResponse(
        to question: Question, packet: UnsafeRawBufferPointer, code: ResponseCode,
        records: UnsafeRawBufferPointer = .init(start: nil, count: 0),
        recordLength: Int = 0, shuffled: Bool = false, limit: Int,
        into out: UnsafeMutableRawBufferPointer
    ) -> Int {
        let count = recordLength == 0 ? 0 : records.count / recordLength
        let opt = question.ednsSize == nil ? 0 : optLength
        let room = max(0, limit - headerSize - question.questionLength - opt)
        let fitting = recordLength == 0 ? 0 : min(count, room / recordLength)
        // QR, opcode + RD, RA; never AA, as Docker's resolver.
        var flags: UInt16 = 0x8000 | (question.flags & 0x7900) | 0x0080 | UInt16(code.rawValue)
        if fitting < count { flags |= 0x0200 }  // TC
        writeHeader(out, id: question.id, flags: flags, questions: 1, answers: fitting, additional: opt == 0 ? 0 : 1)
        var at = headerSize
        out.baseAddress!.advanced(by: at).copyMemory(
            from: packet.baseAddress!.advanced(by: headerSize),
            byteCount: question.questionLength)
        at += question.questionLength
        if shuffled && count > 1 {
            // A random `fitting` of the records in random order: a partial Fisher-Yates over indices.
            withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { order in
                for i in 0..<count { order[i] = i }
                for i in 0..<fitting {
                    order.swapAt(i, Int.random(in: i..<count))
                    copy(records, record: order[i], length: recordLength, to: out, at: at)
                    at += recordLength
                }
            }
        } else {
            for i in 0..<fitting {
                copy(records, record: i, length: recordLength, to: out, at: at)
                at += recordLength
            }
        }
        if opt != 0 {
            out.baseAddress!.advanced(by: at).initializeMemory(as: UInt8.self, repeating: 0, count: optLength)
            out[at + 2] = UInt8(RecordType.opt.rawValue)
            out[at + 3] = UInt8(udpPayloadSize >> 8)
            out[at + 4] = UInt8(udpPayloadSize & 0xff)
            at += optLength
        }
        return at
    }

    private static func copy(
        _ records: UnsafeRawBufferPointer, record: Int, length: Int,
        to out: UnsafeMutableRawBufferPointer, at: Int
    ) {
        out.baseAddress!.advanced(by: at).copyMemory(from: records.baseAddress!.advanced(by: record * length), byteCount: length)
    }

    /// Writes the resolver's own failure (SERVFAIL when every upstream failed, REFUSED when too
    /// many queries are out) as Docker 26+ builds it (miekg/dns `SetRcode`): the question echoed,
    /// opcode, RD and (for a query) CD copied; no RA, no OPT record. `out` must hold
    /// `headerSize + question.questionLength` bytes; returns that length.
    public static func writeFailure(
        to question: Question, packet: UnsafeRawBufferPointer, code: ResponseCode,
        into out: UnsafeMutableRawBufferPointer
    ) -> Int {
        let copied: UInt16 = question.opcode == 0 ? 0x7910 : 0x7800  // opcode, RD and CD; RD and CD for a query only
        writeHeader(
            out, id: question.id, flags: 0x8000 | (question.flags & copied) | UInt16(code.rawValue), questions: 1,
            answers: 0, additional: 0)
        out.baseAddress!.advanced(by: headerSize).copyMemory(
            from: packet.baseAddress!.advanced(by: headerSize), byteCount: question.questionLength)
        return headerSize + question.questionLength
    }

    /// The length of `message`, a response, cut to fit `limit` bytes as a UDP client must get it
    /// (RFC 2181 9, as miekg/dns's `Truncate`): TC set, the question and as many whole records as
    /// fit kept in order, and its OPT record kept last so an EDNS client still sees one. Names in
    /// kept records point only backwards, so the kept prefix needs no rewriting; the OPT record's
    /// root name has no pointer and moves as is. Unchanged when it already fits.
    public static func truncate(_ message: UnsafeMutableRawBufferPointer, limit: Int) -> Int {
        guard message.count > limit, message.count >= headerSize else { return message.count }
        let p = UnsafeRawBufferPointer(message)
        return withUnsafeTemporaryAllocation(byteCount: maxNameLength, alignment: 1) { buffer in
            let name = UnsafeMutableRawBufferPointer(buffer)
            /// Where the record at `at` ends and its type, nil when malformed.
            func record(at: Int) -> (end: Int, type: UInt16)? {
                guard let (_, end) = readName(p, at: at, into: name), end + 10 <= p.count else { return nil }
                let rdEnd = end + 10 + Int(u16(p, end + 8))
                return rdEnd <= p.count ? (rdEnd, u16(p, end)) : nil
            }
            /// Sets TC and the record counts; returns `length`.
            func cut(_ length: Int, questions: Int, kept: [Int]) -> Int {
                message[2] |= 0x02
                for (i, n) in ([questions] + kept).enumerated() {
                    message[4 + 2 * i] = UInt8(n >> 8)
                    message[5 + 2 * i] = UInt8(n & 0xff)
                }
                return length
            }
            var at = headerSize
            let questions = Int(u16(p, 4))
            for _ in 0..<questions {
                guard let (_, end) = readName(p, at: at, into: name), end + 4 <= p.count else {
                    return cut(headerSize, questions: 0, kept: [0, 0, 0])
                }
                at = end + 4
            }
            let questionEnd = at
            guard questionEnd <= limit else { return cut(headerSize, questions: 0, kept: [0, 0, 0]) }
            let counts = [Int(u16(p, 6)), Int(u16(p, 8)), Int(u16(p, 10))]
            // The records, in order, with their section; the OPT record set apart.
            var records: [(range: Range<Int>, section: Int)] = []
            var opt: Range<Int>?
            scan: for section in 0..<3 {
                for _ in 0..<counts[section] {
                    guard let (end, type) = record(at: at) else { break scan }
                    if section == 2 && type == RecordType.opt.rawValue && opt == nil {
                        opt = at..<end
                    } else {
                        records.append((at..<end, section))
                    }
                    at = end
                }
            }
            // A prefix of the records, up to the OPT record at the latest (a record after it may point into it).
            let optLength = opt.map { questionEnd + $0.count <= limit ? $0.count : 0 } ?? 0
            var keptEnd = questionEnd
            var kept = [0, 0, 0]
            for r in records {
                guard r.range.lowerBound == keptEnd, r.range.upperBound + optLength <= limit else { break }
                keptEnd = r.range.upperBound
                kept[r.section] += 1
            }
            if let opt, optLength > 0 {
                memmove(message.baseAddress! + keptEnd, message.baseAddress! + opt.lowerBound, optLength)
                keptEnd += optLength
                kept[2] += 1
            }
            return cut(keptEnd, questions: questions, kept: kept)
        }
    }

    /// Writes a header-only response (FORMERR for junk whose question cannot be echoed): 12 bytes.
    public static func writeHeaderOnly(
        id: UInt16, flags requestFlags: UInt16, code: ResponseCode,
        into out: UnsafeMutableRawBufferPointer
    ) -> Int {
        writeHeader(
            out, id: id, flags: 0x8000 | (requestFlags & 0x7900) | 0x0080 | UInt16(code.rawValue),
            questions: 0, answers: 0, additional: 0)
        return headerSize
    }

    private static func writeHeader(
        _ out: UnsafeMutableRawBufferPointer, id: UInt16, flags: UInt16, questions: Int,
        answers: Int, additional: Int
    ) {
        func put(_ field: Int, at i: Int) {
            out[i] = UInt8(truncatingIfNeeded: field >> 8)
            out[i + 1] = UInt8(truncatingIfNeeded: field)
        }
        put(Int(id), at: 0)
        put(Int(flags), at: 2)
        put(questions, at: 4)
        put(answers, at: 6)
        put(0, at: 8)
        put(additional, at: 10)
    }

    /// One answer record in wire form, naming the question by the pointer 0xc00c.
    public static func record(type: RecordType, ttl: UInt32, data: [UInt8]) -> [UInt8] {
        [
            0xc0, 0x0c, UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xff), 0, 1,
            UInt8(ttl >> 24), UInt8(ttl >> 16 & 0xff), UInt8(ttl >> 8 & 0xff), UInt8(ttl & 0xff),
            UInt8(data.count >> 8), UInt8(data.count & 0xff),
        ] + data
    }

    /// A dotted name in wire form, labels with their lengths; `terminated` adds the root's zero byte.
    public static func encodeName(_ name: String, terminated: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count + 2)
        var lengthAt = -1  // where the current label's length byte is
        for b in name.utf8 {
            if b == 0x2e {
                lengthAt = -1
                continue
            }
            if lengthAt < 0 {
                lengthAt = out.count
                out.append(0)
            }
            out.append(b)
            out[lengthAt] += 1
        }
        if terminated { out.append(0) }
        return out
    }

    /// True when `reply` answers `query` (RFC 5452 9.1): a response with id `id` whose one question
    /// is the query's, the name compared case-insensitively (a server may change its letter case),
    /// the type and class equal. A forged answer must guess the question as well as the id and port.
    public static func isReply(_ reply: UnsafeRawBufferPointer, id: UInt16, to query: UnsafeRawBufferPointer) -> Bool {
        guard reply.count >= headerSize, query.count >= headerSize, u16(reply, 0) == id, u16(reply, 2) & 0x8000 != 0,
            u16(reply, 4) == 1
        else { return false }
        return withUnsafeTemporaryAllocation(byteCount: 2 * maxNameLength, alignment: 1) { names in
            let mine = UnsafeMutableRawBufferPointer(rebasing: names[..<maxNameLength])
            let theirs = UnsafeMutableRawBufferPointer(rebasing: names[maxNameLength...])
            guard let (length, end) = readName(query, at: headerSize, into: mine), end + 4 <= query.count,
                let (replyLength, replyEnd) = readName(reply, at: headerSize, into: theirs), replyEnd + 4 <= reply.count,
                length == replyLength, memcmp(mine.baseAddress!, theirs.baseAddress!, length) == 0
            else { return false }
            return u16(query, end) == u16(reply, replyEnd) && u16(query, end + 2) == u16(reply, replyEnd + 2)
        }
    }

    /// The id and first question of any message, a response too, in a few words for logs:
    /// `id 4660, evil.example A`.
    public static func describeQuestion(_ packet: UnsafeRawBufferPointer) -> String {
        guard packet.count >= headerSize else { return "\(packet.count) bytes" }
        let id = u16(packet, 0)
        guard u16(packet, 4) >= 1 else { return "id \(id), no question" }
        return withUnsafeTemporaryAllocation(byteCount: maxNameLength, alignment: 1) { buffer in
            let name = UnsafeMutableRawBufferPointer(buffer)
            guard let (length, end) = readName(packet, at: headerSize, into: name), end + 4 <= packet.count else {
                return "id \(id), malformed question"
            }
            return "id \(id), \(dotted(UnsafeRawBufferPointer(rebasing: name[..<length]))) \(typeName(u16(packet, end)))"
        }
    }

    static func typeName(_ type: UInt16) -> String { RecordType(rawValue: type).map { "\($0)".uppercased() } ?? "TYPE\(type)" }

    /// A wire name (labels with their lengths, no final zero) as dotted text, escaped as dig and
    /// unbound present names (RFC 4343 2.1): `\.` `\\` and the like for special characters, `\DDD`
    /// for bytes outside printable ASCII, so a name can never forge a log line; `.` for the root.
    static func dotted(_ name: UnsafeRawBufferPointer) -> String {
        var dotted: [UInt8] = []
        var i = 0
        while i < name.count {
            if !dotted.isEmpty { dotted.append(0x2e) }
            for b in name[(i + 1)...(i + Int(name[i]))] {
                switch b {
                case 0x2e, 0x5c, 0x22, 0x3b, 0x28, 0x29, 0x40, 0x24:  // . \ " ; ( ) @ $
                    dotted += [0x5c, b]
                case 0x21...0x7e:
                    dotted.append(b)
                default:
                    dotted += [0x5c, 0x30 + b / 100, 0x30 + b / 10 % 10, 0x30 + b % 10]
                }
            }
            i += 1 + Int(name[i])
        }
        return dotted.isEmpty ? "." : String(decoding: dotted, as: UTF8.self)
    }

    /// The query in `packet` in a few words for logs: its name (lowercase, dotted) and type.
    public static func describe(_ packet: UnsafeRawBufferPointer) -> String {
        withUnsafeTemporaryAllocation(byteCount: maxNameLength, alignment: 1) { name in
            guard case .success(let q) = parse(packet, name: UnsafeMutableRawBufferPointer(name)) else { return "malformed query" }
            return "\(dotted(UnsafeRawBufferPointer(rebasing: name[..<q.nameLength]))) \(typeName(q.type))"
        }
    }
}
