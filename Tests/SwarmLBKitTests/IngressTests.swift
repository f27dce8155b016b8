import XCTest

@testable import SwarmLBKit

/// The routing mesh's rules as Docker's iptables commands print them, the plans of the ingress
/// commands, and the inspect trace of a published port across namespaces.
final class IngressTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }
    let tcp8080 = TransportPort(.tcp, 8080)

    func testTaskRulesAreDockersRedirectorRules() throws {
        let r = TaskRedirect(try TaskRedirect.Ports(parsing: "tcp/8080:80"), address: a("10.255.0.4"))
        XCTAssertEqual(r.redirect.specification, "-d 10.255.0.4/32 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80")
        XCTAssertEqual(
            r.inputAccept.specification,
            "-d 10.255.0.4/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT")
        XCTAssertEqual(
            r.outputAccept.specification, "-s 10.255.0.4/32 -p tcp -m tcp --sport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT")
        XCTAssertEqual(
            r.drops.map { "-A \($0.chain) \($0.rule.specification)" },
            [
                "-A INPUT -d 10.255.0.4/32 -p sctp -j DROP", "-A OUTPUT -s 10.255.0.4/32 -p sctp -j DROP",
                "-A INPUT -d 10.255.0.4/32 -p udp -j DROP", "-A OUTPUT -s 10.255.0.4/32 -p udp -j DROP",
                "-A INPUT -d 10.255.0.4/32 -p tcp -j DROP", "-A OUTPUT -s 10.255.0.4/32 -p tcp -j DROP",
            ])
        XCTAssertThrowsError(try TaskRedirect.Ports(parsing: "tcp/8080"))
        XCTAssertThrowsError(try TaskRedirect.Ports(parsing: "tcp/8080:0"))
    }

    func testSCTPAndRedirectRoundTripThroughBothEncodings() {
        let rules = [
            TaskRedirect(published: TransportPort(.sctp, 9000), target: 90, address: a("10.255.0.4")).redirect,
            IngressPublication(port: TransportPort(.sctp, 9000), sandbox: a("172.18.0.2")).established,
            IngressPublication(port: TransportPort(.udp, 53), sandbox: a("172.18.0.2")).dnat,
        ]
        XCTAssertEqual(rules[0].specification, "-d 10.255.0.4/32 -p sctp -m sctp --dport 9000 -j REDIRECT --to-ports 90")
        XCTAssertEqual(rules[1].specification, "-p sctp -m state --state RELATED,ESTABLISHED -m sctp --sport 9000 -j ACCEPT")
        for rule in rules {
            // libiptc reports a verdict by name (RuleTests covers that): the matches are what is checked here.
            var matchesOnly = rule
            if case .jump = rule.target { matchesOnly.target = .none }
            XCTAssertEqual(RuleCodec.decode(entryBytes: RuleCodec.encode(matchesOnly), targetName: ""), matchesOnly, rule.specification)
            XCTAssertEqual(NFTRuleCodec.decode(try! NFTRuleCodec.encode(rule)), rule, rule.specification)
        }
    }

    func testUnpublishOfTheLastPortTakesTheSharedRules() {
        let p = IngressPublication(port: tcp8080, sandbox: a("172.18.0.2"))
        let other = IngressPublication(port: TransportPort(.udp, 53), sandbox: a("172.18.0.2"))
        func nat(_ ports: [IngressPublication]) -> IPTablesDump {
            var d = IPTablesDump(absent: .nat)
            d.chains.append(
                .init(
                    name: IngressPublication.chain, policy: nil, packets: 0, bytes: 0,
                    rules: ports.map(\.dnat) + [IngressPublication.returnRule]))
            return d
        }
        let filter = IPTablesDump(absent: .filter)
        XCTAssertEqual(p.deleteChanges(nat: nat([p, other]), filter: filter).count, 3)
        let last = p.deleteChanges(nat: nat([p]), filter: filter)
        XCTAssertTrue(last.contains(.deleteChain(.nat, IngressPublication.chain)))
        XCTAssertTrue(last.contains(.deleteChain(.filter, IngressPublication.chain)))
    }

    func testTraceFollowsThePortAndNamesTheBrokenLink() {
        let host = facts(addresses: [], marks: [], entries: [], published: [IngressPublication(port: tcp8080, sandbox: a("172.18.0.2"))])
        let mark = FirewallMark(0x102)
        let portMark = MarkRule(chain: "PREROUTING", selector: .port(tcp8080), mark: mark)
        let entry = IPVSSnapshot.Entry(service: IPVSService(key: .fwmark(mark)), reals: [RealServer(address: a("10.255.0.4"))])
        let sandboxAddress = InterfaceAddress(address: a("172.18.0.2"), prefixLength: 16, device: "eth1")
        let task = facts(addresses: [InterfaceAddress(address: a("10.255.0.4"), prefixLength: 24, device: "eth0")], marks: [], entries: [])
        func trace(_ sandbox: Inspector.Facts, complete: Bool = true) -> [LoadBalancerReport] {
            var reports = [
                Inspector.report(namespace: nil, host), Inspector.report(namespace: "/run/netns/sbox", sandbox),
                Inspector.report(namespace: "/run/netns/task", task),
            ]
            IngressTracer.trace(&reports, [host, sandbox, task], complete: complete)
            return reports
        }
        let whole = trace(facts(addresses: [sandboxAddress], marks: [portMark], entries: [entry]))
        XCTAssertEqual(whole[0].problems, [])
        XCTAssertEqual(whole[0].ingress?.first?.sandbox, "/run/netns/sbox")
        XCTAssertEqual(whole[0].ingress?.first?.reals, ["10.255.0.4:0"])
        XCTAssertEqual(
            trace(facts(addresses: [sandboxAddress], marks: [], entries: [entry]))[0].problems.map(\.kind), [.ingressPortUnmarked])
        XCTAssertEqual(
            trace(facts(addresses: [sandboxAddress], marks: [portMark], entries: []))[0].problems.map(\.kind),
            [.ingressMarkWithoutService])
        XCTAssertEqual(trace(facts(addresses: [], marks: [], entries: []))[0].problems.map(\.kind), [.ingressDestinationUnheld])
        XCTAssertEqual(trace(facts(addresses: [], marks: [], entries: []), complete: false)[0].problems, [])
    }

    func testTraceNamesTheNodeOfARealServerOnAnotherNode() {
        let host = facts(addresses: [], marks: [], entries: [], published: [IngressPublication(port: tcp8080, sandbox: a("172.18.0.2"))])
        let mark = FirewallMark(0x102)
        let portMark = MarkRule(chain: "PREROUTING", selector: .port(tcp8080), mark: mark)
        let sandbox = { (reals: [String]) in
            self.facts(
                addresses: [
                    InterfaceAddress(address: self.a("172.18.0.2"), prefixLength: 16, device: "eth1"),
                    InterfaceAddress(address: self.a("10.255.0.2"), prefixLength: 16, device: "eth0"),
                ],
                marks: [portMark],
                entries: [
                    IPVSSnapshot.Entry(service: IPVSService(key: .fwmark(mark)), reals: reals.map { RealServer(address: self.a($0)) })
                ])
        }
        let task = facts(addresses: [InterfaceAddress(address: a("10.255.0.4"), prefixLength: 16, device: "eth0")], marks: [], entries: [])
        func peer(_ address: String, _ mac: String, _ vtep: String?) -> OverlayNetwork.Peer {
            OverlayNetwork.Peer(address: a(address), mac: try! MACAddress(parsing: mac), vtep: vtep.map(a))
        }
        func overlay(_ bridge: String, _ peers: [OverlayNetwork.Peer]) -> Inspector.Facts {
            let parts = bridge.split(separator: "/")
            return facts(
                addresses: [InterfaceAddress(address: a(String(parts[0])), prefixLength: Int(parts[1])!, device: "br0")], marks: [],
                entries: [],
                overlays: [
                    OverlayNetwork(
                        device: "vxlan0", vni: 4096, port: 4789, proxy: true, l2miss: true, l3miss: true, learning: true, mtu: 1450,
                        bridge: "br0", bridgeMTU: 1450, endpoints: [], peers: peers)
                ])
        }
        // Docker's ingress network (10.255.0.0/16, VNI 4096) with 10.255.0.7 on node 192.168.99.2; another
        // overlay (10.0.0.0/24) whose peer reuses 10.255.0.9, which must not be taken for the ingress one's.
        let ingress = overlay(
            "10.255.0.1/16",
            [
                peer("10.255.0.7", "02:42:0a:ff:00:07", "192.168.99.2"),
                peer("10.255.0.8", "02:42:0a:ff:00:08", nil),
            ])
        let other = overlay("10.0.0.1/24", [peer("10.255.0.9", "02:42:0a:00:00:09", "192.168.99.3")])
        func trace(_ reals: [String], complete: Bool = true) -> [LoadBalancerReport] {
            let all = [host, sandbox(reals), task, ingress, other]
            let paths: [String?] = [nil, "/run/netns/sbox", "/run/netns/task", "/run/docker/netns/1-abc", "/run/docker/netns/1-def"]
            var reports = zip(paths, all).map { Inspector.report(namespace: $0, $1) }
            IngressTracer.trace(&reports, all, complete: complete)
            return reports
        }
        let mesh = trace(["10.255.0.4", "10.255.0.7"])
        XCTAssertEqual(mesh[0].problems, [])
        XCTAssertEqual(
            mesh[0].ingress?.first?.remoteReals,
            [.init(address: "10.255.0.7", node: "192.168.99.2", overlay: "/run/docker/netns/1-abc", device: "vxlan0", vni: 4096)])
        XCTAssertTrue(
            ReportListing.text(mesh[0]).contains(
                "tcp/8080: real server 10.255.0.7 is on node 192.168.99.2 (through overlay /run/docker/netns/1-abc, VNI 4096)\n"),
            ReportListing.text(mesh[0]))
        XCTAssertNil(trace(["10.255.0.4"])[0].ingress?.first?.remoteReals)
        // held by no namespace, by a peer without its FDB entry, by a peer of an overlay not covering it
        for unheld in ["10.255.0.10", "10.255.0.8", "10.255.0.9"] {
            let reports = trace(["10.255.0.4", unheld])
            XCTAssertEqual(
                reports[0].problems,
                [
                    Problem(
                        kind: .ingressRealUnheld,
                        message:
                            "published port tcp/8080 is balanced in /run/netns/sbox to \(unheld), which no namespace holds and no overlay peer leads to"
                    )
                ])
            XCTAssertNil(reports[0].ingress?.first?.remoteReals)
            XCTAssertEqual(trace(["10.255.0.4", unheld], complete: false)[0].problems, [])
        }
    }

    private func facts(
        addresses: [InterfaceAddress], marks: [MarkRule], entries: [IPVSSnapshot.Entry],
        published: [IngressPublication] = [], overlays: [OverlayNetwork] = []
    ) -> Inspector.Facts {
        Inspector.Facts(
            marks: marks, ipvs: IPVSSnapshot(version: 0, tableSize: 0, entries: entries), addresses: addresses, snat: [],
            conntrack: "1", dnsRedirects: [], dnsRedirectSite: nil, listeners: [], backend: .nft, backendsConflict: false,
            published: published, publishedAccepted: Dictionary(published.map { ($0.port, true) }, uniquingKeysWith: { x, _ in x }),
            overlays: overlays)
    }
}
