// libFuzzer entry for the resolver's query parser (`make fuzz`): every input must parse or be
// refused without a crash, and a parsed query must round-trip through a response.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNSQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let packet = Array(UnsafeBufferPointer(start: data, count: size))
    guard case .success(let query) = DNSMessage.parseQuery(packet) else { return 0 }
    let record = DNSMessage.Record.a((10, 0, 0, 2), ttl: 600)
    let limit = Int(query.ednsSize ?? 512)
    let reply = DNSMessage.response(to: query, code: .noError, answers: Array(repeating: record, count: 40), limit: limit)
    precondition(reply.count <= max(limit, 12 + query.questionWire.count + 11), "response over the size limit")
    precondition(reply[0] == packet[0] && reply[1] == packet[1], "response id differs")
    return 0
}
