import XCTest

@testable import SwarmLBKit

final class IPVSListingTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }

    /// What a renderer writes into a fresh buffer.
    func line(_ body: (inout TextBuffer) -> Void) -> String {
        var out = TextBuffer()
        body(&out)
        return out.text
    }

    func testStatsAndRateTitlesAsIpvsadm() {
        let empty = IPVSSnapshot(version: 0x010201, tableSize: 4096, entries: [])
        XCTAssertEqual(
            IPVSListing(empty, columns: .stats, versionLine: false).text,
            "Prot LocalAddress:Port" + String(repeating: " ", count: 33 - 22)
                + "    Conns   InPkts  OutPkts  InBytes OutBytes\n  -> RemoteAddress:Port\n")
        XCTAssertEqual(
            IPVSListing(empty, columns: .rate, versionLine: false).text,
            "Prot LocalAddress:Port" + String(repeating: " ", count: 33 - 22)
                + "      CPS    InPPS   OutPPS    InBPS   OutBPS\n  -> RemoteAddress:Port\n")
    }

    func testRendersTheDesignNoteExampleAsIpvsadm() {
        let reals = ["10.0.0.3", "10.0.0.4", "10.0.0.5"].map { RealServer(address: a($0)) }
        let listing = IPVSListing(
            IPVSSnapshot(
                version: 0x010201, tableSize: 4096,
                entries: [
                    .init(service: IPVSService(key: .fwmark(FirewallMark(257))), reals: reals),
                    .init(service: IPVSService(key: .fwmark(FirewallMark(260))), reals: [RealServer(address: a("10.0.0.7"))]),
                ]))
        XCTAssertEqual(
            listing.text,
            """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            FWM  257 rr
              -> 10.0.0.3:0                   Masq    1      0          0         \n\
              -> 10.0.0.4:0                   Masq    1      0          0         \n\
              -> 10.0.0.5:0                   Masq    1      0          0         \n\
            FWM  260 rr
              -> 10.0.0.7:0                   Masq    1      0          0         \n
            """)
    }

    func testAddressServicesWithPersistenceAndRoute() {
        let service = IPVSService(key: .address(.tcp, .v4(a("10.1.1.1")), 80), scheduler: .wrr, persistence: 300)
        let plain = IPVSListing(IPVSSnapshot(version: 0, tableSize: 0, entries: []))
        XCTAssertEqual(line { plain.serviceLine(.init(service: service, reals: []), into: &$0) }, "TCP  10.1.1.1:80 wrr persistent 300")
        let masked = IPVSService(
            key: .address(.udp, .v4(a("10.1.1.1")), 53), scheduler: .sh, persistence: 60, netmask: a("255.255.255.0").networkOrder)
        XCTAssertEqual(
            line { plain.serviceLine(.init(service: masked, reals: []), into: &$0) }, "UDP  10.1.1.1:53 sh persistent 60 mask 255.255.255.0"
        )
        let real = RealServer(address: a("10.0.0.9"), port: 80, weight: 3, forwarding: .route, activeConnections: 4_045_269_605)
        XCTAssertEqual(line { plain.realLine(real, into: &$0) }, "  -> 10.0.0.9:80                  Route   3      4045269605 0         ")
    }

    func testLargeNumbersScaleAsIpvsadm() {
        let scaled = IPVSListing(IPVSSnapshot(version: 0, tableSize: 0, entries: []), columns: .stats)
        XCTAssertEqual(line { scaled.largeNumber(0, into: &$0) }, "        0")
        XCTAssertEqual(line { scaled.largeNumber(99_999_999, into: &$0) }, " 99999999")
        XCTAssertEqual(line { scaled.largeNumber(100_000_000, into: &$0) }, "  100000K")
        XCTAssertEqual(line { scaled.largeNumber(1_234_567_890, into: &$0) }, "    1234M")
        XCTAssertEqual(line { scaled.largeNumber(123_456_789_012, into: &$0) }, "     123G")
        XCTAssertEqual(line { scaled.largeNumber(123_456_789_012_345, into: &$0) }, "     123T")
        var exact = scaled
        exact.exact = true
        XCTAssertEqual(line { exact.largeNumber(12, into: &$0) }, "       12")
        XCTAssertEqual(line { exact.largeNumber(1_234_567_890, into: &$0) }, " 1234567890")
    }

    func testConnectionTableAsIpvsadmLnc() {
        let proc = """
            Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
            TCP 0A000005 9C40 0A000002 0050 0A000003 0050 ESTABLISHED     899
            UDP 0A000005 D431 0A000002 0035 0A000004 0035 UDP             298
            """
        XCTAssertEqual(
            IPVSListing.connections(IPVSConnection.parse(procText: proc)),
            """
            IPVS connection entries
            pro expire state       source             virtual            destination
            TCP 14:59  ESTABLISHED 10.0.0.5:40000     10.0.0.2:80        10.0.0.3:80
            UDP 04:58  UDP         10.0.0.5:54321     10.0.0.2:53        10.0.0.4:53

            """)
    }

    func testOrderIsIpvsadms() {
        let keys: [IPVSService.Key] = [
            .fwmark(FirewallMark(300)), .address(.udp, .v4(a("10.0.0.1")), 53),
            .fwmark(FirewallMark(257)), .address(.tcp, .v4(a("10.0.0.9")), 80), .address(.tcp, .v4(a("10.0.0.1")), 443),
        ]
        XCTAssertEqual(
            keys.sorted(by: IPVSOrder.before).map(\.description),
            ["TCP 10.0.0.1:443", "TCP 10.0.0.9:80", "UDP 10.0.0.1:53", "FWM 257", "FWM 300"])
        let reals = [
            RealServer(address: a("10.0.0.5")), RealServer(address: a("10.0.0.3"), port: 8080),
            RealServer(address: a("10.0.0.3"), port: 80),
        ]
        XCTAssertEqual(reals.sorted(by: IPVSOrder.before).map(\.endpoint), ["10.0.0.3:80", "10.0.0.3:8080", "10.0.0.5:0"])
    }
}
