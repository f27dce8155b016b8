import XCTest

@testable import SwarmLBKit

final class IPVSRealListingTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }

    /// /proc/net/ip_vs as kernel 6.1 writes it: only plain Masq reals on port 0 of a mark listed once are vouched for.
    func testListsOnlyWhatItCanVouchFor() {
        let listing = IPVSRealListing(
            procBytes: Array(
                """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
                TCP  0A000002:0050 rr
                  -> 0A000003:0050      Masq    1      0          0
                FWM  00000101 rr
                  -> 0A000003:0000      Masq    1      0          0
                  -> 0A000004:0000      Masq    0      2          0
                FWM  00000102 wrr persistent 300 FFFFFFFF
                FWM  00000103 rr
                  -> 0A000005:0050      Masq    1      0          0
                FWM  00000104 rr
                  -> 0A000006:0000      Route   1      0          0
                FWM  00000105 rr
                  -> 0A000007:0000      Masq    1      0          0
                FWM  00000105 rr
                  -> [2001:db8::7]:0000 Masq    1      0          0

                """.utf8))
        XCTAssertTrue(listing.lists(FirewallMark(0x101), exactly: [a("10.0.0.3"): 1, a("10.0.0.4"): 0]))
        XCTAssertFalse(listing.lists(FirewallMark(0x101), exactly: [a("10.0.0.3"): 1, a("10.0.0.4"): 1]))
        XCTAssertFalse(listing.lists(FirewallMark(0x101), exactly: [a("10.0.0.3"): 1]))
        XCTAssertFalse(listing.lists(FirewallMark(0x101), exactly: [a("10.0.0.3"): 1, a("10.0.0.9"): 0]), "as many reals, another address")
        XCTAssertTrue(listing.lists(FirewallMark(0x102), exactly: [:]))
        XCTAssertFalse(listing.lists(FirewallMark(0x103), exactly: [a("10.0.0.5"): 1]), "a real on a port")
        XCTAssertFalse(listing.lists(FirewallMark(0x104), exactly: [a("10.0.0.6"): 1]), "a routed real")
        XCTAssertFalse(listing.lists(FirewallMark(0x105), exactly: [a("10.0.0.7"): 1]), "IPv4 and IPv6 services of one mark")
        XCTAssertFalse(listing.lists(FirewallMark(0x106), exactly: [:]), "no such service")

        // The services: settled only with the scheduler and at least one IPv4 Masq real; absent only when not listed.
        XCTAssertTrue(listing.lists(FirewallMark(0x101), scheduler: .rr, exactly: [a("10.0.0.3"): 1, a("10.0.0.4"): 0]))
        XCTAssertFalse(listing.lists(FirewallMark(0x101), scheduler: .wrr, exactly: [a("10.0.0.3"): 1, a("10.0.0.4"): 0]))
        XCTAssertFalse(listing.lists(FirewallMark(0x102), scheduler: .wrr, exactly: [:]), "no real: maybe the IPv6 service")
        XCTAssertFalse(listing.lists(FirewallMark(0x105), scheduler: .rr, exactly: [a("10.0.0.7"): 1]))
        XCTAssertFalse(listing.listsNoService(FirewallMark(0x102)))
        XCTAssertFalse(listing.listsNoService(FirewallMark(0x105)))
        XCTAssertTrue(listing.listsNoService(FirewallMark(0x106)))
        XCTAssertTrue(listing.listsNoService(FirewallMark(0x0A000002)), "a TCP service's address is no mark")
    }
}
