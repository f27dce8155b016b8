import Foundation
import Logging
import NIOCore
import NIOPosix
import SwarmLBKit
import Synchronization
import XCTest

@testable import SwarmLBDNS

final class ForwardingTests: XCTestCase {
    static func query(_ name: String, type: UInt16 = 1, id: UInt16 = 0x1234) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + DNSMessage.encodeName(name) + [
            UInt8(type >> 8), UInt8(type & 0xff), 0, 1,
        ]
    }

    /// A response to `q` with id `id`, the question `name`/`type`, one A record 192.0.2.7.
    static func answer(to q: [UInt8], id: UInt16, name: String? = nil, type: UInt16 = 1) -> [UInt8] {
        var r = name.map { query($0, type: type, id: id) } ?? q
        r[0] = UInt8(id >> 8)
        r[1] = UInt8(id & 0xff)
        r[2] = 0x81
        r[3] = 0x80
        r[7] = 1
        return r + DNSMessage.record(type: .a, ttl: 60, data: [192, 0, 2, 7])
    }

    func query(_ name: String, type: UInt16 = 1, id: UInt16 = 0x1234) -> [UInt8] { Self.query(name, type: type, id: id) }
    func answer(to q: [UInt8], id: UInt16, name: String? = nil, type: UInt16 = 1) -> [UInt8] {
        Self.answer(to: q, id: id, name: name, type: type)
    }

    func testAReplyMustMatchIdAndQuestion() {
        let q = query("Example.COM", id: 7)
        func matches(_ r: [UInt8], id: UInt16 = 7) -> Bool {
            r.withUnsafeBytes { reply in q.withUnsafeBytes { DNSMessage.isReply(reply, id: id, to: $0) } }
        }
        XCTAssertTrue(matches(answer(to: q, id: 7)))
        XCTAssertTrue(matches(answer(to: q, id: 7, name: "eXample.com")), "name compared case-insensitively")
        XCTAssertFalse(matches(answer(to: q, id: 8)), "id")
        XCTAssertFalse(matches(answer(to: q, id: 7, name: "evil.example")), "name")
        XCTAssertFalse(matches(answer(to: q, id: 7, name: "example.com", type: 28)), "type")
        var otherClass = answer(to: q, id: 7)
        otherClass[q.count - 1] = 3
        XCTAssertFalse(matches(otherClass), "class")
        XCTAssertFalse(matches(q), "a query is no reply")
        var noQuestion = answer(to: q, id: 7)
        noQuestion[5] = 0
        XCTAssertFalse(matches(noQuestion), "no question")
        XCTAssertFalse(matches(Array(answer(to: q, id: 7).prefix(14))), "cut short")
    }

    /// A UDP server on 127.0.0.1 that answers each query with what `respond` returns (several
    /// datagrams, e.g. a forgery first), recording each query's id and source port.
    final class FakeUpstream: @unchecked Sendable {
        let fd: Int32
        let port: UInt16
        private let queries = Mutex<[(id: UInt16, port: UInt16)]>([])
        /// The id and source port of each query received.
        var seen: [(id: UInt16, port: UInt16)] { queries.withLock { $0 } }

        init(respond: @escaping @Sendable ([UInt8]) -> [[UInt8]]) {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            self.fd = fd
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutablePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                    _ = bind(fd, p, length)
                    _ = getsockname(fd, p, &length)
                }
            }
            port = UInt16(bigEndian: a.sin_port)
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    var from = sockaddr_in()
                    var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
                    let n = withUnsafeMutablePointer(to: &from) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &fromLength) }
                    }
                    if n <= 0 { return }
                    let q = Array(buffer[..<n])
                    queries.withLock { $0.append((UInt16(q[0]) << 8 | UInt16(q[1]), UInt16(bigEndian: from.sin_port))) }
                    for r in respond(q) {
                        _ = withUnsafePointer(to: &from) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, r, r.count, 0, $0, fromLength) }
                        }
                    }
                }
            }
        }
        deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    /// Forwards `q` through a forwarder whose one upstream is `upstream`; the response.
    func forward(_ q: [UInt8], to port: UInt16, timeout: TimeAmount = .seconds(4), forwarder: UpstreamForwarder? = nil) throws -> [UInt8] {
        let f = try forwarder ?? makeForwarder(port, timeout: timeout)
        let done = expectation(description: "reply")
        let got = Mutex<[UInt8]>([])
        var name = [UInt8](repeating: 0, count: DNSMessage.maxNameLength)
        let question = try q.withUnsafeBytes { p in try name.withUnsafeMutableBytes { DNSMessage.parse(p, name: $0) }.get() }
        q.withUnsafeBytes { packet in
            f.forward(packet, question, overTCP: false) { reply in
                got.withLock { $0 = Array(reply) }
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 10)
        return got.withLock { $0 }
    }

    var accesses: [UpstreamAccess] = []
    override func tearDown() { for a in accesses { a.close() } }

    func makeForwarder(
        _ port: UInt16, timeout: TimeAmount = .seconds(4), socketChoice: Int = 64,
        socketUses: Int = 16
    ) throws -> UpstreamForwarder {
        let access = try UpstreamAccess(timeout: timeout, socketChoice: socketChoice, socketUses: socketUses)
        accesses.append(access)
        let server = UpstreamServer(address: try SocketAddress(ipAddress: "127.0.0.1", port: Int(port)), origin: .served)
        return UpstreamForwarder(
            routes: [.init(server: server, served: access, starting: nil)], timeout: timeout,
            logger: Logger(label: "test"))
    }

    func testAForgedAnswerIsDroppedAndTheGenuineOneReachesTheClientUnderItsOwnId() throws {
        let upstream = FakeUpstream { q in
            let id = UInt16(q[0]) << 8 | UInt16(q[1])
            return [Self.answer(to: q, id: id, name: "evil.example"), Self.answer(to: q, id: id &+ 1), Self.answer(to: q, id: id)]
        }
        let f = try makeForwarder(upstream.port)
        let q = query("Elsewhere.Example", id: 0x4242)
        let reply = try forward(q, to: upstream.port, forwarder: f)
        XCTAssertEqual(reply, answer(to: q, id: 0x4242), "the genuine answer, under the client's id")
        XCTAssertEqual(f.droppedAnswers, 2, "the wrong question and the wrong id")
        XCTAssertNotEqual(upstream.seen.first?.id, 0x4242, "the client's id never goes upstream")
    }

    func testEveryExchangeLeavesFromItsOwnPortUnderARandomId() throws {
        let upstream = FakeUpstream { q in [Self.answer(to: q, id: UInt16(q[0]) << 8 | UInt16(q[1]))] }
        let f = try makeForwarder(upstream.port)
        for _ in 0..<20 { XCTAssertEqual(try forward(query("a.example", id: 1), to: upstream.port, forwarder: f).prefix(2), [0, 1]) }
        let seen = upstream.seen
        XCTAssertEqual(seen.count, 20)
        XCTAssertGreaterThan(Set(seen.map(\.port)).count, 15, "source ports: \(seen.map(\.port))")
        XCTAssertGreaterThan(Set(seen.map(\.id)).count, 15, "ids: \(seen.map(\.id))")
        XCTAssertFalse(seen.contains { $0.id == 1 }, "the client's id never goes upstream")
    }

    /// With few idle sockets to choose from and few uses each: sockets are reused, never beyond
    /// their uses, and a datagram on an idle socket is dropped.
    func testPooledSocketsAreReusedAFewTimesEach() throws {
        let upstream = FakeUpstream { q in
            let id = UInt16(q[0]) << 8 | UInt16(q[1])
            return [Self.answer(to: q, id: id), Self.answer(to: q, id: id)]  // a duplicate: lands on an idle socket
        }
        let f = try makeForwarder(upstream.port, socketChoice: 2, socketUses: 3)
        for i in 0..<30 { XCTAssertEqual(try forward(query("p\(i).example", id: 9), to: upstream.port, forwarder: f)[3] & 0x0f, 0) }
        let ports = upstream.seen.map(\.port)
        XCTAssertEqual(ports.count, 30)
        XCTAssertLessThan(Set(ports).count, 30, "some sockets were reused")
        XCTAssertGreaterThanOrEqual(Set(ports).count, 10, "none more than 3 times (a port the kernel hands out again aside)")
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertGreaterThan(f.droppedAnswers, 0, "the duplicates, dropped")
    }

    func testSilenceIsServfailAfterTheTimeout() throws {
        let upstream = FakeUpstream { _ in [] }
        let start = Date()
        let reply = try forward(query("slow.example"), to: upstream.port, timeout: .milliseconds(300))
        XCTAssertEqual(reply[3] & 0x0f, 2, "SERVFAIL")
        XCTAssertEqual(Array(reply.prefix(2)), [0x12, 0x34])
        XCTAssertGreaterThan(Date().timeIntervalSince(start), 0.29)
    }

    /// `query` with an EDNS0 OPT record of `size`.
    func ednsQuery(_ name: String, size: UInt16, id: UInt16 = 0x1234) -> [UInt8] {
        var q = query(name, id: id)
        q[11] = 1
        return q + [0, 0, 41, UInt8(size >> 8), UInt8(size & 0xff), 0, 0, 0, 0, 0, 0]
    }

    /// When every upstream fails, the answer is the resolver's own SERVFAIL as Docker 26-28 build it
    /// (miekg/dns SetRcode): flags qr rd (CD kept), the question, no RA, no OPT even to an EDNS query.
    func testAFailedUpstreamGivesDockersOwnServfail() throws {
        let upstream = FakeUpstream { q in
            var r = Self.answer(to: q, id: UInt16(q[0]) << 8 | UInt16(q[1]))
            r[3] = 0x82  // RA, SERVFAIL: its flags must not reach the client
            return [r]
        }
        var q = ednsQuery("failing.example", size: 1232)
        q[3] = 0x10  // CD
        let reply = try forward(q, to: upstream.port)
        XCTAssertEqual(
            Array(reply.prefix(12)), [0x12, 0x34, 0x81, 0x12, 0, 1, 0, 0, 0, 0, 0, 0], "qr rd cd, SERVFAIL, one question, nothing else")
        XCTAssertEqual(Array(reply.dropFirst(12)), Array(q[12..<(q.count - 11)]), "the question echoed, no OPT")
    }

    /// An answer larger than the client can take over UDP (512 bytes without EDNS, else its size)
    /// reaches it cut, with TC set, as the resolver's own answers are; an EDNS client keeps its OPT.
    func testAnOversizedForwardedAnswerIsTruncatedWithTC() throws {
        // 200 A records after the question: about 3,200 bytes, as the upstream sent.
        let upstream = FakeUpstream { q in
            var r = Self.answer(to: q, id: UInt16(q[0]) << 8 | UInt16(q[1]))
            let opt: [UInt8] = q[11] == 1 ? [0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0] : []
            let questionEnd = q.count - (q[11] == 1 ? 11 : 0)
            r = Array(r.prefix(12)) + Array(q[12..<questionEnd])
            for i in 0..<200 { r += DNSMessage.record(type: .a, ttl: 60, data: [192, 0, 2, UInt8(i)]) }
            r[6] = 0
            r[7] = 200
            r[11] = opt.isEmpty ? 0 : 1
            return [r + opt]
        }
        let f = try makeForwarder(upstream.port)
        let plain = try forward(query("big.example"), to: upstream.port, forwarder: f)
        XCTAssertLessThanOrEqual(plain.count, 512)
        XCTAssertEqual(plain[2] & 0x02, 0x02, "TC")
        let records = (512 - 12 - 17) / 16
        XCTAssertEqual(plain.count, 12 + 17 + records * 16, "as many whole records as fit")
        XCTAssertEqual(Int(plain[6]) << 8 | Int(plain[7]), records)
        XCTAssertEqual(Array(plain[8..<12]), [0, 0, 0, 0])
        let edns = try forward(ednsQuery("big.example", size: 1232), to: upstream.port, forwarder: f)
        XCTAssertLessThanOrEqual(edns.count, 1232)
        XCTAssertEqual(edns[2] & 0x02, 0x02, "TC")
        XCTAssertEqual(Array(edns[10..<12]), [0, 1], "the OPT record kept")
        XCTAssertEqual(Array(edns.suffix(11)), [0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0], "last")
        XCTAssertEqual(Int(edns[6]) << 8 | Int(edns[7]), (1232 - 12 - 17 - 11) / 16)
        let whole = try forward(ednsQuery("big.example", size: 4096), to: upstream.port, forwarder: f)
        XCTAssertEqual(whole.count, 12 + 17 + 200 * 16 + 11, "fits 4096: whole")
        XCTAssertEqual(whole[2] & 0x02, 0, "no TC")
    }
}
