import XCTest

@testable import SwarmLBKit

/// `inspect --expect` and `--all`'s roles, on facts written by hand: what each comparison reports, and
/// what role each kind of namespace gets.
final class ServicesComparisonTests: XCTestCase {
    private func ip(_ s: String) -> IPv4Address { try! IPv4Address(parsing: s) }
    private let mark = FirewallMark(0x100)

    /// my-web's VIP 10.0.0.2 marked 0x100 in INPUT and assigned; FWM 256 holds `reals`.
    private func facts(reals: [String], extra: [IPVSSnapshot.Entry] = [], vipMark: FirewallMark? = nil) -> Inspector.Facts {
        let entries = [IPVSSnapshot.Entry(service: IPVSService(key: .fwmark(mark)), reals: reals.map { RealServer(address: ip($0)) })]
        return Inspector.Facts(
            marks: [MarkRule(chain: "INPUT", selector: .vip(ip("10.0.0.2")), mark: vipMark ?? mark)],
            ipvs: IPVSSnapshot(version: 0, tableSize: 0, entries: entries + extra),
            addresses: [
                InterfaceAddress(address: ip("10.0.0.2"), device: "eth0"),
                InterfaceAddress(address: ip("10.0.0.6"), prefixLength: 24, device: "eth0"),
            ],
            snat: [SNATRule(subnet: try! IPv4Subnet(parsing: "10.0.0.0/24"), source: ip("10.0.0.6"))],
            conntrack: "1", dnsRedirects: [], dnsRedirectSite: nil, listeners: [], backend: .nft, backendsConflict: false,
            connReuseMode: "0", deviceKinds: ["eth0": "veth", "lo": ""])
    }

    private let network = NetworkServices(
        network: "my-network",
        services: [
            .init(
                name: "my-web", vip: IPv4Address(0x0a00_0002), fwmark: FirewallMark(0x100),
                tasks: [.init(name: "my-web.1", ip: IPv4Address(0x0a00_0003)), .init(name: "my-web.2", ip: IPv4Address(0x0a00_0004))]),
            .init(name: "my-rr", endpointMode: .dnsrr, tasks: [.init(name: "my-rr.1", ip: IPv4Address(0x0a00_0007))]),
        ])

    func testAMatchingNamespaceHasNoProblemAndItsMarkIsLabelled() {
        let report = Inspector.report(namespace: nil, facts(reals: ["10.0.0.3", "10.0.0.4"]), expected: network)
        XCTAssertEqual(report.problems, [])
        XCTAssertEqual(report.services.map(\.service), ["my-web"])
        XCTAssertEqual(report.role, .loadBalancer)
    }

    func testAStaleRealAndAMissingTaskAreEachOneLine() {
        let report = Inspector.report(namespace: nil, facts(reals: ["10.0.0.3", "10.0.0.9"]), expected: network)
        XCTAssertEqual(
            report.problems.map(\.message),
            [
                "real server 10.0.0.9:0 of service my-web (FWM 256) is no task of the service (stale backend, moby#33790)",
                "task my-web.2 (10.0.0.4) of service my-web is no real server of FWM 256",
            ])
        XCTAssertEqual(report.problems.map(\.kind), [.realNotATask, .taskWithoutReal])
    }

    func testAVIPMarkedOtherwiseAndAnUnknownFWMService() {
        let other = IPVSSnapshot.Entry(service: IPVSService(key: .fwmark(FirewallMark(300))), reals: [RealServer(address: ip("10.0.0.3"))])
        let f = facts(reals: ["10.0.0.3", "10.0.0.4"], extra: [other], vipMark: FirewallMark(300))
        let kinds = Inspector.report(namespace: nil, f, expected: network).problems.map(\.kind)
        XCTAssertTrue(kinds.contains(.vipWrongMark), "\(kinds)")
        XCTAssertTrue(kinds.contains(.serviceNotExpected), "\(kinds)")
    }

    func testConnReuseModeIsAProblemOfATodaysLoadBalancerOnly() {
        var f = facts(reals: ["10.0.0.3", "10.0.0.4"])
        f.connReuseMode = "1"
        XCTAssertEqual(Inspector.report(namespace: nil, f).problems.map(\.kind), [.connReuseModeOn])
        f.marks = f.marks.map { MarkRule(chain: "OUTPUT", selector: $0.selector, mark: $0.mark) }
        XCTAssertEqual(Inspector.report(namespace: nil, f).problems, [], "the per-container OUTPUT model was never tuned")
    }

    /// An overlay namespace (1-<id>) balances nothing: --expect there compares its peers only, no VIP or real.
    func testAnOverlayNamespaceIsComparedForItsPeersOnly() {
        let f = Inspector.Facts(
            marks: [], ipvs: IPVSSnapshot(version: 0, tableSize: 0, entries: []), addresses: [], snat: [], conntrack: nil,
            dnsRedirects: [], dnsRedirectSite: nil, listeners: [], backend: .nft, backendsConflict: false, connReuseMode: nil,
            deviceKinds: ["br0": "bridge", "vxlan0": "vxlan", "veth0": "veth", "lo": ""])
        let report = Inspector.report(namespace: "/run/docker/netns/1-v8y1ubibmq", f, expected: network)
        XCTAssertEqual(report.role, .overlay)
        XCTAssertEqual(report.problems, [])
        XCTAssertFalse(
            Inspector.report(namespace: nil, facts(reals: []), expected: network).problems.isEmpty,
            "the same file in a load balancer without reals")
    }

    func testRoles() {
        func role(
            marks: [MarkRule] = [], services: Int = 0, resolver: Bool = false, publishes: Bool = false, kinds: [String] = []
        )
            -> NamespaceRole
        {
            NamespaceRole.of(marks: marks, fwmarkServices: services, resolverRules: resolver, publishes: publishes, deviceKinds: kinds)
        }
        let port = MarkRule(chain: "PREROUTING", selector: .port(TransportPort(.tcp, 8080)), mark: mark)
        XCTAssertEqual(role(marks: [port], services: 1, resolver: true), .ingress)
        XCTAssertEqual(role(services: 1, resolver: true), .loadBalancer)
        XCTAssertEqual(role(resolver: true, kinds: ["veth"]), .container)
        XCTAssertEqual(role(kinds: ["bridge", "vxlan", "veth"]), .overlay)
        XCTAssertEqual(role(publishes: true, kinds: ["bridge", "vxlan"]), .other)
        XCTAssertEqual(role(kinds: ["bridge"]), .other)
    }
}
