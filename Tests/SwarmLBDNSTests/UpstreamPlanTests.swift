import NIOCore
import SwarmLBKit
import XCTest

@testable import SwarmLBDNS

/// The resolver's upstream policy: which servers, asked from which namespace, and when the starting
/// namespace needs sockets of its own.
final class UpstreamPlanTests: XCTestCase {
    func upstreams(_ specs: [String]) throws -> [DNSUpstream] { try specs.map { try DNSUpstream(parsing: $0) } }

    func testUpstreamsAreAskedFromTheNamespaceTheirSpellingSays() throws {
        let plan = UpstreamPlan(
            given: try upstreams(["10.0.0.1", "host:127.0.0.53", "host:[::1]:5353"]), entersNamespace: true,
            hostResolvConf: {
                XCTFail("servers were given: resolv.conf is not read")
                return []
            })
        XCTAssertEqual(
            plan.description,
            "10.0.0.1:53 (asked from the served namespace), 127.0.0.53:53 (asked from the starting namespace), [::1]:5353 (asked from the starting namespace)"
        )
        XCTAssertTrue(plan.needsStartingAccess, "host: servers need sockets made before -n is entered")
        let loopback = UpstreamPlan(given: try upstreams(["127.0.0.1:5300"]), entersNamespace: true, hostResolvConf: { [] })
        XCTAssertEqual(
            loopback.servers.map(\.origin), [.served], "an explicit loopback upstream is the served namespace's own, as Docker's --dns")
        XCTAssertFalse(loopback.needsStartingAccess, "nothing is asked from the starting namespace")
    }

    func testWithoutServersTheHostsResolvConfIsAskedFromTheStartingNamespaceThreeAtMost() throws {
        let host = try ["1.1.1.1", "8.8.8.8", "9.9.9.9", "1.0.0.1"].map { try SocketAddress(ipAddress: $0, port: 53) }
        let plan = UpstreamPlan(given: [], entersNamespace: true, hostResolvConf: { host })
        XCTAssertEqual(
            plan.servers.map(\.description),
            [
                "1.1.1.1:53 (asked from the starting namespace)", "8.8.8.8:53 (asked from the starting namespace)",
                "9.9.9.9:53 (asked from the starting namespace)",
            ])
        XCTAssertTrue(plan.needsStartingAccess)
        XCTAssertFalse(
            UpstreamPlan(given: [], entersNamespace: false, hostResolvConf: { host }).needsStartingAccess,
            "without -n the starting namespace is the served one: its sockets serve both")
        XCTAssertEqual(UpstreamPlan(given: [], entersNamespace: true, hostResolvConf: { [] }).description, "none")
        XCTAssertEqual(
            UpstreamPlan(
                given: try upstreams(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]), entersNamespace: false, hostResolvConf: { [] }
            )
            .servers.map(\.address.endpoint), ["10.0.0.1:53", "10.0.0.2:53", "10.0.0.3:53"], "given servers: the first three, in order")
    }

    func testEachRouteGoesThroughTheAccessOfItsServersNamespace() throws {
        let served = try UpstreamAccess(), starting = try UpstreamAccess()
        defer {
            served.close()
            starting.close()
        }
        let plan = UpstreamPlan(given: try upstreams(["10.0.0.1", "host:10.0.0.2"]), entersNamespace: true, hostResolvConf: { [] })
        let routes = plan.routes(served: served, starting: starting)
        XCTAssertTrue(routes[0].datagrams === served.datagrams, "10.0.0.1 from the served namespace")
        XCTAssertTrue(routes[1].datagrams === starting.datagrams, "host:10.0.0.2 from the starting namespace")
        XCTAssertTrue(
            plan.routes(served: served, starting: nil).allSatisfy { $0.datagrams === served.datagrams },
            "no -n: one namespace, one access")
    }

    func testAnUpstreamIsParsedAtTheCommandLineAndSpelledBackAsGiven() throws {
        for (text, spelled) in [
            ("10.0.0.1", "10.0.0.1:53"), ("10.0.0.1:5353", "10.0.0.1:5353"), ("host:127.0.0.53", "host:127.0.0.53:53"),
            ("[::1]:5353", "[::1]:5353"), ("[fd00::1]", "[fd00::1]:53"), ("fd00::1", "[fd00::1]:53"), ("host:[::1]:53", "host:[::1]:53"),
        ] {
            let u = try DNSUpstream(parsing: text)
            XCTAssertEqual(u.description, spelled, text)
            XCTAssertEqual(try DNSUpstream(parsing: u.description), u, "\(text) reads back")
            XCTAssertEqual(UpstreamServer(u).address, try SocketAddress(ipAddress: u.address.description, port: Int(u.port)), text)
        }
        for bad in ["host:", "host:nope", "10.0.0.1:0", "10.0.0.1:65536", "dns.example", "host:10.0.0.1:x", "[::1]x", "10.0.0.1:+53", ""] {
            XCTAssertThrowsError(try DNSUpstream(parsing: bad), bad) { error in
                XCTAssertEqual(error as? SwarmLBKit.ValidationError, SwarmLBKit.ValidationError(bad, "upstream ([host:]IP[:PORT])"), bad)
            }
        }
    }
}
