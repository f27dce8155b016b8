import XCTest

@testable import SwarmLBKit

final class IPVSRealListingTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }

    /// Only IPv4 Masq reals on port 0 with the wanted weights settle a mark; a mark without vouched
    /// reals never does; a mark left out is absent only when the read was complete.
    func testListsOnlyWhatItCanVouchFor() {
        let services: [FirewallMark: IPVSRealListing.Service] = [
            FirewallMark(0x101): .init(
                scheduler: .rr,
                reals: [RealServer(address: a("10.0.0.3")), RealServer(address: a("10.0.0.4"), weight: 0, upperThreshold: 50)]),
            FirewallMark(0x102): .init(scheduler: .wrr, reals: []),
            FirewallMark(0x103): .init(scheduler: .rr, reals: [RealServer(address: a("10.0.0.5"), port: 80)]),
            FirewallMark(0x104): .init(scheduler: .rr, reals: [RealServer(address: a("10.0.0.6"), forwarding: .route)]),
            FirewallMark(0x105): .init(scheduler: .rr, reals: nil),
            FirewallMark(0x107): .init(scheduler: nil, reals: [RealServer(address: a("10.0.0.8"))]),
        ]
        let listing = IPVSRealListing(services: services, complete: true)
        XCTAssertTrue(listing.lists(FirewallMark(0x101), exactly: [a("10.0.0.3"): 1, a("10.0.0.4"): 0]), "thresholds are not apply's")
        XCTAssertFalse(listing.lists(FirewallMark(0x101), exactly: [a("10.0.0.3"): 1, a("10.0.0.4"): 1]))
        XCTAssertFalse(listing.lists(FirewallMark(0x101), exactly: [a("10.0.0.3"): 1]))
        XCTAssertFalse(listing.lists(FirewallMark(0x101), exactly: [a("10.0.0.3"): 1, a("10.0.0.9"): 0]), "as many reals, another address")
        XCTAssertTrue(listing.lists(FirewallMark(0x102), exactly: [:]))
        XCTAssertFalse(listing.lists(FirewallMark(0x103), exactly: [a("10.0.0.5"): 1]), "a real on a port")
        XCTAssertFalse(listing.lists(FirewallMark(0x104), exactly: [a("10.0.0.6"): 1]), "a routed real")
        XCTAssertFalse(listing.lists(FirewallMark(0x105), exactly: [:]), "reals the read could not vouch for")
        XCTAssertFalse(listing.lists(FirewallMark(0x106), exactly: [:]), "no such service")
        XCTAssertEqual(listing.reals(of: FirewallMark(0x101))?.last?.upperThreshold, 50, "the reals as read, thresholds included")
        XCTAssertNil(listing.reals(of: FirewallMark(0x105)))

        XCTAssertTrue(listing.lists(FirewallMark(0x101), scheduler: .rr, exactly: [a("10.0.0.3"): 1, a("10.0.0.4"): 0]))
        XCTAssertFalse(listing.lists(FirewallMark(0x101), scheduler: .wrr, exactly: [a("10.0.0.3"): 1, a("10.0.0.4"): 0]))
        XCTAssertTrue(listing.lists(FirewallMark(0x102), scheduler: .wrr, exactly: [:]))
        XCTAssertFalse(listing.lists(FirewallMark(0x107), scheduler: .rr, exactly: [a("10.0.0.8"): 1]), "a scheduler ipvsadm does not know")
        XCTAssertFalse(listing.listsNoService(FirewallMark(0x105)))
        XCTAssertTrue(listing.listsNoService(FirewallMark(0x106)))

        let partial = IPVSRealListing(services: services, complete: false)
        XCTAssertFalse(partial.listsNoService(FirewallMark(0x106)), "a read that may have missed services vouches for no absence")
        XCTAssertTrue(partial.lists(FirewallMark(0x102), scheduler: .wrr, exactly: [:]))
    }
}
