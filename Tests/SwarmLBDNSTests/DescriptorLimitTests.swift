import XCTest

@testable import SwarmLBDNS

final class DescriptorLimitTests: XCTestCase {
    /// TCP clients get what leaves room for every upstream exchange, and always at least one.
    func testTCPConnectionsLeaveRoomForUpstreamExchanges() {
        XCTAssertEqual(DescriptorLimit(open: 20000).tcpConnections(wanted: 100, inFlight: 1024), 100)
        XCTAssertEqual(DescriptorLimit(open: 1600).tcpConnections(wanted: 100, inFlight: 1024), 64)
        XCTAssertEqual(DescriptorLimit(open: 1024).tcpConnections(wanted: 100, inFlight: 1024), 1)
    }

    func testTheSoftLimitIsRaisedToTheHardOne() {
        XCTAssertGreaterThanOrEqual(DescriptorLimit.raiseToHard().open, 1024)
        var limit = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit), 0)
        XCTAssertEqual(limit.rlim_cur, limit.rlim_max)
    }
}
