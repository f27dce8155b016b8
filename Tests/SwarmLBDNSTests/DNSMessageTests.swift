import SwarmLBKit
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

    func parsed(_ p: [UInt8]) throws -> DNSMessage.Query {
        try DNSMessage.parseQuery(p).get()
    }

    let directory = ServiceDirectory(try! ServicesFile.parse("""
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

    func addresses(_ name: String, type: UInt16 = 1) throws -> [String]? {
        guard case .records(let rs) = directory.answer(try parsed(query(name, type: type))) else { return nil }
        return rs.map { $0.data.map(String.init).joined(separator: ".") }
    }

    func testAnswersServiceAliasTasksAndTaskNames() throws {
        XCTAssertEqual(try addresses("my-web"), ["10.0.0.2"])
        XCTAssertEqual(try addresses("WEB."), ["10.0.0.2"])
        XCTAssertEqual(try addresses("my-web.my-network"), ["10.0.0.2"])
        XCTAssertEqual(try addresses("tasks.my-web"), ["10.0.0.3", "10.0.0.4"])
        XCTAssertEqual(try addresses("Tasks.Web.My-Network."), ["10.0.0.3", "10.0.0.4"])
        XCTAssertEqual(try addresses("my-web.2.bbb"), ["10.0.0.4"])
        XCTAssertEqual(try addresses("db")?.sorted(), ["10.0.0.7", "10.0.0.8", "10.0.0.9"])
        XCTAssertEqual(try addresses("my-web", type: 28), [], "AAAA of a known name is NODATA")
        XCTAssertNil(try addresses("example.com"), "unknown names are forwarded")
        XCTAssertNil(try addresses("my-web.other-network"))
    }

    func testDnsrrShufflesPerAnswer() throws {
        var orders = Set<[String]>()
        for _ in 0..<50 { orders.insert(try addresses("db")!) }
        XCTAssertGreaterThan(orders.count, 1)
    }

    func testPointerRecords() throws {
        guard case .records(let rs) = directory.answer(try parsed(query("2.0.0.10.in-addr.arpa", type: 12))) else { return XCTFail() }
        XCTAssertEqual(rs[0].data, DNSMessage.encodeName("my-web.my-network"))
        guard case .records(let ts) = directory.answer(try parsed(query("4.0.0.10.IN-ADDR.ARPA.", type: 12))) else { return XCTFail() }
        XCTAssertEqual(ts[0].data, DNSMessage.encodeName("my-web.2.bbb.my-network"))
        XCTAssertEqual(directory.answer(try parsed(query("99.0.0.10.in-addr.arpa", type: 12))), .forward)
    }

    func testResponseEchoesTheQuestionCaseAndEDNS() throws {
        let q = try parsed(query("My-WeB", edns: 1232))
        XCTAssertEqual(q.nameText, "My-WeB")
        XCTAssertEqual(q.ednsSize, 1232)
        guard case .records(let rs) = directory.answer(q) else { return XCTFail() }
        let r = DNSMessage.response(to: q, code: .noError, answers: rs, limit: Int(q.ednsSize!))
        XCTAssertEqual(Array(r[0..<2]), [0x12, 0x34])
        XCTAssertEqual(r[2] & 0x80, 0x80, "QR")
        XCTAssertEqual(r[2] & 0x01, 0x01, "RD echoed")
        XCTAssertEqual(Array(r[4..<12]), [0, 1, 0, 1, 0, 0, 0, 1])
        XCTAssertEqual(Array(r[12..<(12 + q.questionWire.count)]), q.questionWire, "0x20 case kept")
        let answer = Array(r[(12 + q.questionWire.count)...].prefix(16))
        XCTAssertEqual(answer, [0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x02, 0x58, 0, 4, 10, 0, 0, 2], "A 10.0.0.2, TTL 600")
        XCTAssertEqual(Array(r.suffix(11).prefix(3)), [0, 0, 41], "OPT echoed")
    }

    func testTruncationSetsTC() throws {
        var yaml = "network: n\nservices:\n  - name: big\n    endpoint_mode: dnsrr\n    tasks:\n"
        for i in 1...100 { yaml += "      - {name: big.\(i).x, ip: 10.0.\(i / 256).\(i % 256)}\n" }
        let big = ServiceDirectory(try ServicesFile.parse(yaml, file: "t"))
        let q = try parsed(query("tasks.big"))
        guard case .records(let rs) = big.answer(q) else { return XCTFail() }
        let udp = DNSMessage.response(to: q, code: .noError, answers: rs, limit: 512)
        XCTAssertLessThanOrEqual(udp.count, 512)
        XCTAssertEqual(udp[2] & 0x02, 0x02, "TC")
        let tcp = DNSMessage.response(to: q, code: .noError, answers: rs, limit: 65535)
        XCTAssertEqual(tcp[2] & 0x02, 0, "no TC over TCP")
        XCTAssertEqual(Int(tcp[6]) << 8 | Int(tcp[7]), 100)
    }

    func testHostilePacketsAreRefusedNotFollowed() {
        XCTAssertEqual(DNSMessage.parseQuery([1, 2, 3]), .failure(.drop), "shorter than a header")
        var response = query("x")
        response[2] |= 0x80
        XCTAssertEqual(DNSMessage.parseQuery(response), .failure(.drop), "a response is never answered")
        var two = query("x")
        two[5] = 2
        XCTAssertEqual(DNSMessage.parseQuery(two), .failure(.formErr(id: 0x1234, flags: 0x0100)), "qdcount 2")
        var none = query("x")
        none[5] = 0
        XCTAssertEqual(DNSMessage.parseQuery(none), .failure(.formErr(id: 0x1234, flags: 0x0100)), "qdcount 0")
        let loop: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]
        XCTAssertEqual(DNSMessage.parseQuery(loop), .failure(.formErr(id: 1, flags: 0x0100)), "pointer to itself")
        let forward: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 1, 0x61, 0, 0, 1, 0, 1]
        XCTAssertEqual(DNSMessage.parseQuery(forward), .failure(.formErr(id: 1, flags: 0x0100)), "pointer forwards")
        let longLabel: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64] + [UInt8](repeating: 0x61, count: 64) + [0, 0, 1, 0, 1]
        XCTAssertEqual(DNSMessage.parseQuery(longLabel), .failure(.formErr(id: 1, flags: 0x0100)), "label over 63")
        let cut: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 0x61]
        XCTAssertEqual(DNSMessage.parseQuery(cut), .failure(.formErr(id: 1, flags: 0x0100)), "label past the end")
        var trailing = query("x")
        trailing.append(0)
        XCTAssertEqual(DNSMessage.parseQuery(trailing), .failure(.formErr(id: 0x1234, flags: 0x0100)), "trailing bytes")
        var tooLong: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        for _ in 0..<5 { tooLong += [63] + [UInt8](repeating: 0x61, count: 63) }
        tooLong += [0, 0, 1, 0, 1]
        XCTAssertEqual(DNSMessage.parseQuery(tooLong), .failure(.formErr(id: 1, flags: 0x0100)), "name over 255")
    }

    func testRandomBytesNeverCrashTheParser() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let n = Int.random(in: 0..<80, using: &generator)
            var p = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if p.count > 5, Bool.random() { p[4] = 0; p[5] = 1; p[2] &= 0x7f }
            _ = DNSMessage.parseQuery(p)
        }
    }
}
