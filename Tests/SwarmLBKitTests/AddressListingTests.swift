import XCTest

@testable import SwarmLBKit

final class AddressListingTests: XCTestCase {
    private let loopback6 = AddressDetail(
        interfaceIndex: 1, interface: "lo", family: "inet6", local: "::1", peer: nil, prefixLength: 128, broadcast: nil,
        scope: 254, flags: 0x80, label: nil, validLifetime: 0xffff_ffff, preferredLifetime: 0xffff_ffff, protocol: 1)

    func testProtocolPrintedAfterTheFlagsOnlyWhenIproute2PrintsIt() {
        let shown = AddressProtocolNames(shown: true)
        XCTAssertEqual(
            AddressListing.oneLine([loopback6], protocols: shown),
            "1: lo    inet6 ::1/128 scope host proto kernel_lo \\       valid_lft forever preferred_lft forever\n")
        XCTAssertEqual(
            AddressListing.oneLine([loopback6], protocols: AddressProtocolNames(shown: false)),
            "1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever\n")
        var v4 = loopback6
        (v4.family, v4.local, v4.prefixLength, v4.label, v4.protocol) = ("inet", "10.0.0.5", 24, "eth0", 0x11)
        XCTAssertEqual(
            AddressListing.oneLine([v4], protocols: shown),
            "1: lo    inet 10.0.0.5/24 scope host proto 0x11 eth0\\       valid_lft forever preferred_lft forever\n",
            "before the label; an unnamed protocol as %#x")
        v4.protocol = 0
        XCTAssertFalse(AddressListing.oneLine([v4], protocols: shown).contains("proto"), "zero is not printed")
    }

    func testIproute2VersionFromDpkgStatus() {
        let status = """
            Package: iproute2-doc
            Status: install ok installed
            Version: 9.9.9

            Package: iproute2
            Status: install ok installed
            Priority: important
            Version: 7.3.0-1

            """
        XCTAssertEqual(AddressProtocolNames.installedVersion(of: "iproute2", dpkgStatus: status), "7.3.0-1")
        let removed = "Package: iproute2\nStatus: deinstall ok config-files\nVersion: 6.1.0-3\n"
        XCTAssertNil(AddressProtocolNames.installedVersion(of: "iproute2", dpkgStatus: removed))
        XCTAssertFalse(AddressProtocolNames.printsProtocol(version: "6.1.0-3"), "bookworm")
        XCTAssertFalse(AddressProtocolNames.printsProtocol(version: "6.3.0-1"))
        XCTAssertTrue(AddressProtocolNames.printsProtocol(version: "6.4.0-1"))
        XCTAssertTrue(AddressProtocolNames.printsProtocol(version: "6.15.0-1"), "trixie")
        XCTAssertTrue(AddressProtocolNames.printsProtocol(version: "1:7.3.0-1"), "an epoch")
        XCTAssertFalse(AddressProtocolNames.printsProtocol(version: "5.10.0-4~bpo10+1"))
        XCTAssertFalse(ZeroQueueLength.printed(byVersion: "6.15.0-1"), "trixie: no qlen 0")
        XCTAssertTrue(ZeroQueueLength.printed(byVersion: "7.3.0-1"), "sid: qlen 0")
    }

    func testRtAddrprotosNamesAsIproute2ReadsThem() {
        let names = AddressProtocolNames(shown: true, file: "# comment\n0x11 static\n\t200\tdhcp # trailing\nbad line\n3 ll\n")
        XCTAssertEqual(names.name(0x11), "static")
        XCTAssertEqual(names.name(200), "dhcp")
        XCTAssertEqual(names.name(3), "ll", "a file's name replaces the built-in one")
        XCTAssertEqual(names.name(1), "kernel_lo")
        XCTAssertEqual(names.name(0xab), "0xab")
    }
}
