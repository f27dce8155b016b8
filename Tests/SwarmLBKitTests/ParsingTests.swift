import XCTest

@testable import SwarmLBKit

final class ParsingTests: XCTestCase {
    func testFirewallMarkAcceptsDecimalAndHex() throws {
        XCTAssertEqual(try FirewallMark(parsing: "257").value, 257)
        XCTAssertEqual(try FirewallMark(parsing: "0x101").value, 257)
        XCTAssertEqual(try FirewallMark(parsing: "0XfFfFfFfF").value, 0xffff_ffff)
        XCTAssertEqual(try FirewallMark(parsing: "4294967295").value, 0xffff_ffff)
        XCTAssertEqual(try FirewallMark(parsing: "0x0000000000101").value, 257, "leading zeros")
        XCTAssertEqual(FirewallMark(0x13d).hex, "0x13d")
        XCTAssertEqual(FirewallMark(0x13d).description, "317")
    }

    func testFirewallMarkRejectsZeroOverflowAndJunk() {
        let bad = ["0", "0x0", "0x100000000", "4294967296", "-1", "abc", "", "0x", "1e3", "0x+101", "+257", "0x10g", " 257", "２５７", "0xx1"]
        for bad in bad {
            XCTAssertThrowsError(try FirewallMark(parsing: bad), bad) { error in
                XCTAssertEqual((error as? ValidationError)?.value, bad)
            }
        }
    }

    func testIPv4AddressIsStrict() throws {
        XCTAssertEqual(try IPv4Address(parsing: "10.0.0.2").description, "10.0.0.2")
        XCTAssertEqual(try IPv4Address(parsing: "255.255.255.255").value, 0xffff_ffff)
        for bad in ["10.0.0", "10.0.0.256", "10.0.0.02", "10.0.0.2.1", "a.b.c.d", "", "10..0.1", " 10.0.0.1", "１.0.0.1"] {
            XCTAssertThrowsError(try IPv4Address(parsing: bad), bad)
        }
    }

    func testSubnetIsNormalisedToItsNetwork() throws {
        XCTAssertEqual(try IPv4Subnet(parsing: "10.0.0.5/24").description, "10.0.0.0/24")
        XCTAssertEqual(try IPv4Subnet(parsing: "10.0.0.5").description, "10.0.0.5/32")
        XCTAssertEqual(try IPv4Subnet(parsing: "0.0.0.0/0").description, "0.0.0.0/0")
        XCTAssertTrue(try IPv4Subnet(parsing: "10.0.0.0/24").contains(IPv4Address(parsing: "10.0.0.77")))
        XCTAssertFalse(try IPv4Subnet(parsing: "10.0.0.0/24").contains(IPv4Address(parsing: "10.0.1.1")))
        for bad in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/24", "10.0.0.0/24/1", "10.0.0.0/+8"] {
            XCTAssertThrowsError(try IPv4Subnet(parsing: bad), bad)
        }
    }

    func testPortsSchedulersAndForwarding() throws {
        XCTAssertEqual(try TransportPort(parsing: "tcp/8080"), TransportPort(.tcp, 8080))
        XCTAssertEqual(try TransportPort(parsing: "UDP/53"), TransportPort(.udp, 53))
        for bad in ["8080", "tcp/0", "tcp/65536", "icmp/1", "tcp/", "tcp/80/1"] {
            XCTAssertThrowsError(try TransportPort(parsing: bad), bad)
        }
        XCTAssertEqual(try IPVSScheduler(parsing: "wlc"), .wlc)
        XCTAssertThrowsError(try IPVSScheduler(parsing: "roundrobin"))
        XCTAssertEqual(try ForwardingMethod(parsing: "masq"), .masq)
        XCTAssertEqual(try ForwardingMethod(parsing: "route"), .route)
        XCTAssertEqual(try ForwardingMethod(parsing: "tunnel"), .tunnel)
        XCTAssertThrowsError(try ForwardingMethod(parsing: "bridge"))
    }

    func testRealServerEndpoint() throws {
        let e = try RealServer.parseEndpoint("10.0.0.3"); let (a, p) = (e.address, e.port)
        XCTAssertEqual(a.description, "10.0.0.3")
        XCTAssertEqual(p, 0)
        XCTAssertEqual(try RealServer.parseEndpoint("10.0.0.3:8080").port, 8080)
        for bad in ["10.0.0.3:", "10.0.0.3:70000", "10.0.0.3:80:1", "host:80"] {
            XCTAssertThrowsError(try RealServer.parseEndpoint(bad), bad)
        }
    }

    func testMarkChainIsValidated() throws {
        XCTAssertEqual(try MarkRule.parseChain("INPUT"), "INPUT")
        XCTAssertThrowsError(try MarkRule.parseChain("input"))
        XCTAssertThrowsError(try MarkRule.parseChain("FORWARD", among: MarkRule.vipChains))
        XCTAssertThrowsError(try MarkRule.parseChain("DOCKER"))
    }
}

final class NamespaceTargetTests: XCTestCase {
    func testANamespaceIsANameAPathOrAProcess() throws {
        XCTAssertEqual(try NamespaceTarget(parsing: "1-abc"), .name("1-abc"))
        XCTAssertEqual(try NamespaceTarget(parsing: "/proc/1/ns/net"), .path("/proc/1/ns/net"))
        XCTAssertEqual(try NamespaceTarget(parsing: "./ns"), .path("./ns"))
        XCTAssertEqual(try NamespaceTarget(parsing: "pid:42"), .pid(42))
        for text in ["dns", "apply", "/run/netns/x", "pid:42"] {
            XCTAssertEqual(try NamespaceTarget(parsing: text).description, text, "-n \(text) is passed on as given")
        }
    }

    func testAMalformedNamespaceIsAUsageErrorNamingIt() {
        XCTAssertThrowsError(try NamespaceTarget(parsing: "")) { error in
            XCTAssertEqual(error as? ValidationError, ValidationError("", "network namespace (a name, a path or pid:N)"))
        }
        for bad in ["pid:abc", "pid:", "pid:0", "pid:-1", "pid:99999999999", "pid:４２"] {
            XCTAssertThrowsError(try NamespaceTarget(parsing: bad), bad) { error in
                XCTAssertEqual(error as? ValidationError, ValidationError(bad, "network namespace (pid:N takes a process id, 1 or more)"))
            }
        }
    }
}
