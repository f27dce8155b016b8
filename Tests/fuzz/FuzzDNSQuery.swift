// libFuzzer entry for the resolver's query parser and response writer (`make fuzz`): every input
// must parse or be refused without a crash (also as an upstream's answer to match against a query, or
// to cut to a client's size), and a parsed query's response (with more records than
// fit) must stay within the capacity it asked for and the transport's limit, and carry its id.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNSQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let packet = UnsafeRawBufferPointer(start: data, count: size)
    _ = DNSMessage.describe(packet)
    // Upstream answers reach these two unparsed: any bytes, as a reply to itself and to a fixed query.
    _ = DNSMessage.describeQuestion(packet)
    let query: [UInt8] = [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1]
    _ = query.withUnsafeBytes { DNSMessage.isReply(packet, id: 0x1234, to: $0) }
    _ = DNSMessage.isReply(packet, id: size >= 2 ? UInt16(data[0]) << 8 | UInt16(data[1]) : 0, to: packet)
    // A forwarded answer is cut to the UDP client's size: within it, never past the bytes it had.
    for limit in [12, 100, 512] {
        var answer = Array(packet)
        let length = answer.withUnsafeMutableBytes { DNSMessage.truncate($0, limit: limit) }
        precondition(length <= max(limit, 12) || length == size, "truncated answer over its limit")
        precondition(length <= size, "truncated answer longer than the answer")
    }
    var name = [UInt8](repeating: 0, count: DNSMessage.maxNameLength)
    guard case .success(let question) = name.withUnsafeMutableBytes({ DNSMessage.parse(packet, name: $0) }) else { return 0 }
    precondition(question.nameLength <= DNSMessage.maxNameLength && question.questionEnd <= size, "question out of bounds")
    let records = [UInt8]((0..<40).flatMap { _ in DNSMessage.record(type: .a, ttl: 600, data: [10, 0, 0, 2]) })
    for limit in [512, Int(question.ednsSize ?? 512), 65535] {
        let capacity = DNSMessage.responseCapacity(question, recordBytes: records.count, limit: limit)
        var out = [UInt8](repeating: 0, count: capacity)
        let length = records.withUnsafeBytes { r in
            out.withUnsafeMutableBytes { o in
                DNSMessage.writeResponse(
                    to: question, packet: packet, code: .noError, records: r, recordLength: 16,
                    shuffled: size % 2 == 0, limit: limit, into: o)
            }
        }
        precondition(length <= capacity && length <= limit, "response over its capacity or the size limit")
        precondition(out[0] == data[0] && out[1] == data[1], "response id differs")
    }
    return 0
}
