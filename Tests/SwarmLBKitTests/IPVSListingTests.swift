import XCTest
@testable import SwarmLBKit

final class IPVSListingTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }

    func testRendersTheDesignNoteExampleAsIpvsadm() {
        let reals = ["10.0.0.3", "10.0.0.4", "10.0.0.5"].map { RealServer(address: a($0)) }
        let listing = IPVSListing(version: 0x010201, tableSize: 4096, services: [
            (IPVSService(key: .fwmark(FirewallMark(257))), reals),
            (IPVSService(key: .fwmark(FirewallMark(260))), [RealServer(address: a("10.0.0.7"))]),
        ])
        XCTAssertEqual(listing.text, """
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
        let service = IPVSService(key: .address(.tcp, a("10.1.1.1"), 80), scheduler: .wrr, persistence: 300)
        XCTAssertEqual(IPVSListing.serviceLine(service), "TCP  10.1.1.1:80 wrr persistent 300")
        let masked = IPVSService(key: .address(.udp, a("10.1.1.1"), 53), scheduler: .sh, persistence: 60, netmask: a("255.255.255.0"))
        XCTAssertEqual(IPVSListing.serviceLine(masked), "UDP  10.1.1.1:53 sh persistent 60 mask 255.255.255.0")
        let real = RealServer(address: a("10.0.0.9"), port: 80, weight: 3, forwarding: .route, activeConnections: 4_045_269_605)
        XCTAssertEqual(IPVSListing.realLine(real), "  -> 10.0.0.9:80                  Route   3      4045269605 0         ")
    }

    func testOrderIsIpvsadms() {
        let keys: [IPVSService.Key] = [.fwmark(FirewallMark(300)), .address(.udp, a("10.0.0.1"), 53),
                                       .fwmark(FirewallMark(257)), .address(.tcp, a("10.0.0.9"), 80), .address(.tcp, a("10.0.0.1"), 443)]
        XCTAssertEqual(keys.sorted(by: IPVSOrder.before).map(\.description),
                       ["TCP 10.0.0.1:443", "TCP 10.0.0.9:80", "UDP 10.0.0.1:53", "FWM 257", "FWM 300"])
        let reals = [RealServer(address: a("10.0.0.5")), RealServer(address: a("10.0.0.3"), port: 8080), RealServer(address: a("10.0.0.3"), port: 80)]
        XCTAssertEqual(reals.sorted(by: IPVSOrder.before).map(\.endpoint), ["10.0.0.3:80", "10.0.0.3:8080", "10.0.0.5:0"])
    }
}
