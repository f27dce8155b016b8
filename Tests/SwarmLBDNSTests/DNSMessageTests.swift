import SwarmLBKit
import SwarmLBServices
import XCTest

@testable import SwarmLBDNS

final class DNSMessageTests: XCTestCase {
    /// A query as dig sends it: id, RD, one question, optionally an EDNS0 OPT record.
    func query(_ name: String, type: UInt16 = 1, id: UInt16 = 0x1234, edns: UInt16? = nil) -> [UInt8] {
        var p: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, edns == nil ? 0 : 1]
        p += DNSMessage.encodeName(name) + [UInt8(type >> 8), UInt8(type & 0xff), 0, 1]
        if let size = edns { p += [0, 0, 41, UInt8(size >> 8), UInt8(size & 0xff), 0, 0, 0, 0, 0, 0] }
        return p
    }

    /// What the parser makes of `p`: the question and its lowercased wire name, or why not.
    func parse(_ p: [UInt8]) -> Result<(DNSMessage.Question, [UInt8]), DNSMessage.ParseFailure> {
        var name = [UInt8](repeating: 0, count: DNSMessage.maxNameLength)
        let result = p.withUnsafeBytes { packet in name.withUnsafeMutableBytes { DNSMessage.parse(packet, name: $0) } }
        return result.map { ($0, Array(name.prefix($0.nameLength))) }
    }

    func failure(_ p: [UInt8]) -> DNSMessage.ParseFailure? {
        if case .failure(let f) = parse(p) { return f }
        return nil
    }

    /// The directory's response to `p`, as bytes (empty when dropped or forwarded).
    func respond(_ p: [UInt8], from d: ServiceDirectory? = nil, overTCP: Bool = false) -> (ServiceDirectory.Outcome, [UInt8]) {
        var out: [UInt8] = []
        let outcome = p.withUnsafeBytes { packet in
            (d ?? directory).respond(to: packet, overTCP: overTCP) { capacity, body in
                out = [UInt8](repeating: 0xee, count: capacity)
                let length = out.withUnsafeMutableBytes { body($0) }
                XCTAssertLessThanOrEqual(length, capacity)
                out.removeLast(capacity - length)
            }
        }
        return (outcome, out)
    }

    /// The data of each answer record of response `r` (whose question is `questionLength` bytes).
    func answerData(_ r: [UInt8], questionLength: Int) -> [[UInt8]] {
        var at = 12 + questionLength
        return (0..<(Int(r[6]) << 8 | Int(r[7]))).map { _ in
            let length = Int(r[at + 10]) << 8 | Int(r[at + 11])
            defer { at += 12 + length }
            return Array(r[(at + 12)..<(at + 12 + length)])
        }
    }

    let directory = ServiceDirectory(
        try! ServicesFile.parse(
            """
            network: my-network
            services:
              - name: my-web
                vip: 10.0.0.2
                aliases: [web]
                tasks: [{name: my-web.1.aaa, ip: 10.0.0.3}, {name: my-web.2.bbb, ip: 10.0.0.4}]
              - name: db
                endpoint_mode: dnsrr
                tasks: [{name: db.1.ccc, ip: 10.0.0.7}, {name: db.2.ddd, ip: 10.0.0.8}, {name: db.3.eee, ip: 10.0.0.9}]
            """, file: "t"))

    /// The addresses answering `name`, nil when it is forwarded.
    func addresses(_ name: String, type: UInt16 = 1, from d: ServiceDirectory? = nil) -> [String]? {
        let q = query(name, type: type)
        let (outcome, r) = respond(q, from: d)
        guard outcome == .answered else { return nil }
        XCTAssertEqual(r[3] & 0x0f, 0, "NOERROR")
        return answerData(r, questionLength: q.count - 12).map { $0.map(String.init).joined(separator: ".") }
    }

    func testAnswersServiceAliasTasksAndTaskNames() {
        XCTAssertEqual(addresses("my-web"), ["10.0.0.2"])
        XCTAssertEqual(addresses("WEB."), ["10.0.0.2"])
        XCTAssertEqual(addresses("my-web.my-network"), ["10.0.0.2"])
        XCTAssertEqual(addresses("tasks.my-web"), ["10.0.0.3", "10.0.0.4"])
        XCTAssertEqual(addresses("Tasks.Web.My-Network."), ["10.0.0.3", "10.0.0.4"])
        XCTAssertEqual(addresses("my-web.2.bbb"), ["10.0.0.4"])
        XCTAssertEqual(addresses("db")?.sorted(), ["10.0.0.7", "10.0.0.8", "10.0.0.9"])
        XCTAssertEqual(addresses("my-web", type: 28), [], "AAAA of a known name is NODATA")
        for type: UInt16 in [15, 16, 33, 99] {  // MX, TXT, SRV, SPF: NODATA here, never a trip upstream
            XCTAssertEqual(addresses("my-web", type: type), [], "type \(type) of a known name is NODATA")
            XCTAssertEqual(addresses("tasks.db.my-network", type: type), [])
        }
        XCTAssertNil(addresses("example.com"), "unknown names are forwarded")
        XCTAssertNil(addresses("my-web.other-network"))
    }

    func testDnsrrShufflesPerAnswer() {
        var orders = Set<[String]>()
        for _ in 0..<50 { orders.insert(addresses("db")!) }
        XCTAssertGreaterThan(orders.count, 1)
    }

    /// The name a PTR query for `address` answers, nil when it is forwarded.
    func pointer(_ address: String, from d: ServiceDirectory? = nil) -> String? {
        let q = query(address.split(separator: ".").reversed().joined(separator: ".") + ".in-addr.arpa", type: 12)
        let (outcome, r) = respond(q, from: d)
        guard outcome == .answered, let data = answerData(r, questionLength: q.count - 12).first else { return nil }
        var labels: [String] = []
        var at = 0
        while data[at] != 0 {
            labels.append(String(decoding: data[(at + 1)...(at + Int(data[at]))], as: UTF8.self))
            at += Int(data[at]) + 1
        }
        return labels.joined(separator: ".")
    }

    /// Docker's JSON of two networks (the services file's fixture), as a container attached to both sees them.
    func testSeveralNetworksAreServedTogether() throws {
        let fixture = #filePath.replacingOccurrences(
            of: "SwarmLBDNSTests/DNSMessageTests.swift", with: "SwarmLBServicesTests/Fixtures/docker-network-inspect-small.json")
        let both = ServiceDirectory(try ServicesFile.loadNetworks(path: fixture))
        XCTAssertEqual(addresses("client", from: both), ["10.0.0.9"], "the first network's container")
        XCTAssertEqual(addresses("client.other", from: both), ["10.1.0.9"])
        XCTAssertEqual(addresses("CLIENT.my-network", from: both), ["10.0.0.9"])
        XCTAssertEqual(addresses("api", from: both), ["10.1.0.2"])
        XCTAssertEqual(addresses("tasks.api.other", from: both), ["10.1.0.3"])
        XCTAssertEqual(addresses("my-web.1.aaa", from: both), ["10.0.0.3"])
        XCTAssertNil(addresses("api.my-network", from: both), "api is not on my-network: forwarded")
        XCTAssertNil(addresses("tasks.client", from: both), "a container is no service")
        XCTAssertEqual(addresses("my-rr", from: both), [], "a dnsrr service with no task: NODATA")
        XCTAssertEqual(addresses("client", type: 28, from: both), [])
        XCTAssertEqual(pointer("10.0.0.9", from: both), "client.my-network")
        XCTAssertEqual(pointer("10.1.0.9", from: both), "client.other")
        XCTAssertEqual(pointer("10.0.0.3", from: both), "my-web.1.aaa.my-network")
        XCTAssertEqual(pointer("10.1.0.2", from: both), "api.other")
    }

    func testPointerRecords() {
        for (name, target) in [("2.0.0.10.in-addr.arpa", "my-web.my-network"), ("4.0.0.10.IN-ADDR.ARPA.", "my-web.2.bbb.my-network")] {
            let q = query(name, type: 12)
            let (outcome, r) = respond(q)
            XCTAssertEqual(outcome, .answered)
            XCTAssertEqual(answerData(r, questionLength: q.count - 12), [DNSMessage.encodeName(target)])
        }
        guard case .forward = respond(query("99.0.0.10.in-addr.arpa", type: 12)).0 else { return XCTFail("unknown PTR forwarded") }
    }

    func testResponseEchoesTheQuestionCaseAndEDNS() throws {
        let p = query("My-WeB", edns: 1232)
        let (q, name) = try parse(p).get()
        XCTAssertEqual(name, DNSMessage.encodeName("my-web", terminated: false), "name looked up in lowercase")
        XCTAssertEqual(q.ednsSize, 1232)
        let (_, r) = respond(p)
        XCTAssertEqual(Array(r[0..<2]), [0x12, 0x34])
        XCTAssertEqual(r[2] & 0x80, 0x80, "QR")
        XCTAssertEqual(r[2] & 0x04, 0, "no AA, as Docker's resolver")
        XCTAssertEqual(r[2] & 0x01, 0x01, "RD echoed")
        XCTAssertEqual(Array(r[4..<12]), [0, 1, 0, 1, 0, 0, 0, 1])
        XCTAssertEqual(Array(r[12..<q.questionEnd]), Array(p[12..<q.questionEnd]), "0x20 case kept")
        let answer = Array(r[q.questionEnd...].prefix(16))
        XCTAssertEqual(answer, [0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x02, 0x58, 0, 4, 10, 0, 0, 2], "A 10.0.0.2, TTL 600")
        XCTAssertEqual(Array(r.suffix(11)), [0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0], "OPT echoed")
        XCTAssertEqual(r.count, q.questionEnd + 16 + 11)
    }

    func testTruncationSetsTC() throws {
        var yaml = "network: n\nservices:\n  - name: big\n    endpoint_mode: dnsrr\n    tasks:\n"
        for i in 1...100 { yaml += "      - {name: big.\(i).x, ip: 10.0.\(i / 256).\(i % 256)}\n" }
        let big = ServiceDirectory(try ServicesFile.parse(yaml, file: "t"))
        for name in ["tasks.big", "big"] {
            let (_, udp) = respond(query(name), from: big)
            XCTAssertLessThanOrEqual(udp.count, 512)
            XCTAssertEqual(udp[2] & 0x02, 0x02, "TC")
            XCTAssertEqual(Int(udp[6]) << 8 | Int(udp[7]), (512 - 12 - (name.count + 2 + 4)) / 16, "as many whole records as fit")
            let (_, edns) = respond(query(name, edns: 1232), from: big)
            XCTAssertLessThanOrEqual(edns.count, 1232)
            XCTAssertEqual(edns[2] & 0x02, 0x02, "TC")
            let (_, tcp) = respond(query(name), from: big, overTCP: true)
            XCTAssertEqual(tcp[2] & 0x02, 0, "no TC over TCP")
            let all = answerData(tcp, questionLength: name.count + 2 + 4)
            XCTAssertEqual(all.count, 100)
            XCTAssertEqual(Set(all).count, 100, "each task once, shuffled or not")
        }
    }

    /// Names in logs are presented as dig presents them: a control character can forge no log line.
    func testNamesInLogsAreEscapedAsDigPresentsThem() {
        var q = query("x.y")
        q.replaceSubrange(12..<17, with: [9, 0x61, 0x0a, 0x62, 0x0d, 0x1b, 0x2e, 0x20, 0x5c, 0xc3, 1, 0x3b, 0])
        XCTAssertEqual(q.withUnsafeBytes { DNSMessage.describe($0) }, "a\\010b\\013\\027\\.\\032\\\\\\195.\\; A")
        XCTAssertEqual(q.withUnsafeBytes { DNSMessage.describeQuestion($0) }, "id 4660, a\\010b\\013\\027\\.\\032\\\\\\195.\\; A")
        XCTAssertEqual(query("My-Web.example").withUnsafeBytes { DNSMessage.describe($0) }, "my-web.example A")
    }

    func testNotImplementedOpcodeAndFormErr() {
        var status = query("my-web")
        status[2] |= 0x10  // opcode 2 (STATUS)
        let (outcome, r) = respond(status)
        XCTAssertEqual(outcome, .answered)
        XCTAssertEqual(r[3] & 0x0f, 4, "NOTIMP")
        XCTAssertEqual(Int(r[6]) << 8 | Int(r[7]), 0)
        var junk = query("my-web")
        junk[5] = 2
        let (_, f) = respond(junk)
        XCTAssertEqual(f, [0x12, 0x34, 0x81, 0x81, 0, 0, 0, 0, 0, 0, 0, 0], "FORMERR, header only")
        XCTAssertEqual(respond([1, 2, 3]).0, .dropped)
    }

    func testHostilePacketsAreRefusedNotFollowed() {
        XCTAssertEqual(failure([1, 2, 3]), .drop, "shorter than a header")
        var response = query("x")
        response[2] |= 0x80
        XCTAssertEqual(failure(response), .drop, "a response is never answered")
        var two = query("x")
        two[5] = 2
        XCTAssertEqual(failure(two), .formErr(id: 0x1234, flags: 0x0100), "qdcount 2")
        var none = query("x")
        none[5] = 0
        XCTAssertEqual(failure(none), .formErr(id: 0x1234, flags: 0x0100), "qdcount 0")
        let loop: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]
        XCTAssertEqual(failure(loop), .formErr(id: 1, flags: 0x0100), "pointer to itself")
        let forward: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 1, 0x61, 0, 0, 1, 0, 1]
        XCTAssertEqual(failure(forward), .formErr(id: 1, flags: 0x0100), "pointer forwards")
        let longLabel: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64] + [UInt8](repeating: 0x61, count: 64) + [0, 0, 1, 0, 1]
        XCTAssertEqual(failure(longLabel), .formErr(id: 1, flags: 0x0100), "label over 63")
        let cut: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 0x61]
        XCTAssertEqual(failure(cut), .formErr(id: 1, flags: 0x0100), "label past the end")
        var trailing = query("x")
        trailing.append(0)
        XCTAssertEqual(failure(trailing), .formErr(id: 0x1234, flags: 0x0100), "trailing bytes")
        var tooLong: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        for _ in 0..<5 { tooLong += [63] + [UInt8](repeating: 0x61, count: 63) }
        tooLong += [0, 0, 1, 0, 1]
        XCTAssertEqual(failure(tooLong), .formErr(id: 1, flags: 0x0100), "name over 255")
        var longest: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        for length in [63, 63, 63, 61] { longest += [UInt8(length)] + [UInt8](repeating: 0x41, count: length) }
        longest += [0, 0, 1, 0, 1]
        XCTAssertEqual(try? parse(longest).get().1.count, 254, "a name of 255 bytes in all is allowed")
    }

    func testRandomBytesNeverCrashTheParser() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let n = Int.random(in: 0..<80, using: &generator)
            var p = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if p.count > 5, Bool.random() { p[4] = 0; p[5] = 1; p[2] &= 0x7f }
            _ = parse(p)
        }
    }
}
