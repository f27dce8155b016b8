import XCTest

@testable import SwarmLBKit

/// ipvsadm 1.31's spelling of SCTP and IPv6 services, scheduler flags and persistence engines.
final class IPVSParityTests: XCTestCase {
    let v4 = { (s: String) in IPAddress.v4(try! IPv4Address(parsing: s)) }
    let v6 = { (s: String) in IPAddress.v6(try! IPv6Address(parsing: s)) }

    func listing(_ entries: [IPVSSnapshot.Entry], _ columns: IPVSListing.Columns = .standard) -> String {
        IPVSListing(IPVSSnapshot(version: 0x010201, tableSize: 4096, entries: entries), columns: columns, versionLine: false).text
    }

    func testServiceNames() {
        XCTAssertEqual(IPVSListing.serviceName(.address(.sctp, v4("10.1.1.1"), 80)), "SCTP 10.1.1.1:80")
        XCTAssertEqual(IPVSListing.serviceName(.address(.udp, v4("10.1.1.1"), 53)), "UDP  10.1.1.1:53")
        XCTAssertEqual(IPVSListing.serviceName(.address(.tcp, v6("2001:db8::1"), 80)), "TCP  [2001:db8::1]:80")
        XCTAssertEqual(IPVSListing.serviceName(.fwmarkIPv6(FirewallMark(301))), "FWM  301 IPv6")
        // An IPv6 name is never cut at 33 characters.
        let long = IPVSListing.serviceName(.address(.tcp, v6("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff"), 65535))
        XCTAssertEqual(long, "TCP  [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535")
    }

    func testSchedulerFlagsPersistenceEngineAndOps() {
        let sh = IPVSService(
            key: .address(.tcp, v4("10.1.1.1"), 80), scheduler: .sh, persistence: 300,
            flags: [.scheduler1, .scheduler2, .onePacket], persistenceEngine: "sip")
        let mh = IPVSService(key: .fwmark(FirewallMark(5)), scheduler: .mh, flags: [.scheduler2])
        let rr = IPVSService(key: .fwmark(FirewallMark(6)), scheduler: .rr, flags: [.scheduler1, .scheduler3])
        let v6mask = IPVSService(key: .fwmarkIPv6(FirewallMark(7)), scheduler: .rr, persistence: 60, netmask: 64)
        let text = listing([sh, mh, rr, v6mask].map { .init(service: $0, reals: []) })
        XCTAssertEqual(
            text.split(separator: "\n").dropFirst(2).joined(separator: "\n"),
            """
            TCP  10.1.1.1:80 sh (sh-fallback,sh-port) persistent 300 pe sip ops
            FWM  5 mh (mh-port)
            FWM  6 rr (flag-1,flag-3)
            FWM  7 IPv6 rr persistent 60 mask 64
            """)
    }

    func testIPv6RealServersOverflowTheirColumn() {
        let e = IPVSSnapshot.Entry(
            service: IPVSService(key: .address(.tcp, v6("2001:db8::1"), 80)),
            reals: [RealServer(address: v6("2001:db8::10"), port: 8080)])
        XCTAssertEqual(
            listing([e]).split(separator: "\n", omittingEmptySubsequences: false)[3],
            "  -> [2001:db8::10]:8080          Masq    1      0          0         ")
        let stats = listing([e], .stats).split(separator: "\n")
        XCTAssertEqual(stats[2], "TCP  [2001:db8::1]:80                    0        0        0        0        0")
    }

    func testOrderIsIpvsadms() {
        let keys: [IPVSService.Key] = [
            .fwmarkIPv6(FirewallMark(1)), .fwmark(FirewallMark(1)),
            .address(.sctp, v4("10.0.0.1"), 1), .address(.tcp, v6("::1"), 1),
            .address(.tcp, v4("10.0.0.1"), 1),
        ]
        XCTAssertEqual(
            keys.sorted(by: IPVSOrder.before).map(IPVSListing.serviceName),
            ["TCP  10.0.0.1:1", "SCTP 10.0.0.1:1", "TCP  [::1]:1", "FWM  1", "FWM  1 IPv6"])
    }

    func testConnectionsOfSCTPAndIPv6() {
        let proc = """
            Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
            SCTP 0A000005 9C40 0A000002 0050 0A000003 0050 ESTABLISHED    899
            TCP  2001:0db8:0000:0000:0000:0000:0000:0005 9C40 2001:0db8:0000:0000:0000:0000:0000:0001 0050 2001:0db8:0000:0000:0000:0000:0000:0010 0050 SYN_RECV        59
            """
        XCTAssertEqual(
            IPVSListing.connections(IPVSConnection.parse(procText: proc)),
            """
            IPVS connection entries
            pro expire state       source             virtual            destination
            SCTP 14:59  ESTABLISHED 10.0.0.5:40000     10.0.0.2:80        10.0.0.3:80
            TCP 00:59  SYN_RECV    [2001:db8::5]:40000 [2001:db8::1]:80   [2001:db8::10]:80

            """)
    }
}
