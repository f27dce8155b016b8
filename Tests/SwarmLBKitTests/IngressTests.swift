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
        func trace(_ sandbox: Inspector.Facts, complete: Bool = true) -> [LoadBalancerReport] {
            var reports = [Inspector.report(namespace: nil, host), Inspector.report(namespace: "/run/netns/sbox", sandbox)]
            IngressTracer.trace(&reports, [host, sandbox], complete: complete)
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

    private func facts(
        addresses: [InterfaceAddress], marks: [MarkRule], entries: [IPVSSnapshot.Entry],
        published: [IngressPublication] = []
    ) -> Inspector.Facts {
        Inspector.Facts(
            marks: marks, ipvs: IPVSSnapshot(version: 0, tableSize: 0, entries: entries), addresses: addresses, snat: [],
            conntrack: "1", dnsRedirects: [], dnsRedirectSite: nil, listeners: [], backend: .nft, backendsConflict: false,
            published: published, publishedAccepted: Dictionary(published.map { ($0.port, true) }, uniquingKeysWith: { x, _ in x }))
    }
}
