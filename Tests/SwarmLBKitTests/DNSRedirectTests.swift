import XCTest

@testable import SwarmLBKit

/// A resolver's nat rules: found by address, and removed without touching another resolver's.
final class DNSRedirectTests: XCTestCase {
    let first = DNSRedirect(address: IPv4Address(0x7f00_000b), tcpPort: 38534, udpPort: 39353)
    let other = DNSRedirect(address: IPv4Address(0x7f00_000c), tcpPort: 40001, udpPort: 40002)

    /// The nat table holding the rules of `redirects`, as installing each would leave it.
    func nat(_ redirects: [DNSRedirect], extra: [(String, IPTablesRule)] = []) -> IPTablesDump {
        var dump = IPTablesDump(absent: .nat)
        dump.chains += [
            .init(name: DNSRedirect.outputChain, policy: nil, packets: 0, bytes: 0, rules: []),
            .init(name: DNSRedirect.postroutingChain, policy: nil, packets: 0, bytes: 0, rules: []),
        ]
        for (chain, rule) in redirects.flatMap(\.rules) + extra {
            let i = dump.chains.firstIndex { $0.name == chain }!
            dump.chains[i].rules.append(rule)
        }
        return dump
    }

    func deletions(_ changes: [KernelChange]) -> [String] { changes.map { $0.command(iptables: "iptables") } }

    func testAloneItRemovesItsRulesAndTheChains() {
        let changes = deletions(first.deleteChanges(in: nat([first])))
        XCTAssertEqual(changes.count, 8)
        XCTAssertEqual(
            changes.suffix(2),
            [
                "iptables -t nat -F DOCKER_OUTPUT && iptables -t nat -X DOCKER_OUTPUT",
                "iptables -t nat -F DOCKER_POSTROUTING && iptables -t nat -X DOCKER_POSTROUTING",
            ])
    }

    func testAnotherResolversRulesAndTheChainsStay() {
        let changes = deletions(first.deleteChanges(in: nat([first, other])))
        XCTAssertEqual(changes, first.rules.map { "iptables -t nat -D \($0.0) \($0.1.specification)" })
        XCTAssertFalse(changes.contains { $0.contains("40001") || $0.contains("127.0.0.12") })
    }

    func testAChainJumpedToFromElsewhereStays() {
        let jump = ("PREROUTING", IPTablesRule(target: .jump(DNSRedirect.outputChain)))
        let changes = deletions(first.deleteChanges(in: nat([first], extra: [jump])))
        XCTAssertEqual(changes.count, 7, "\(changes)")
        XCTAssertTrue(changes.last!.contains("-X DOCKER_POSTROUTING"))
    }

    func testFlushedRulesNeedNoDeletes() {
        XCTAssertEqual(deletions(first.deleteChanges(in: IPTablesDump(absent: .nat))), [])
    }

    func testInstalledRedirectsAreFoundByAddress() {
        let dump = nat([first, other])
        XCTAssertEqual(DNSRedirect.installed(for: first.address, in: dump), [first])
        XCTAssertEqual(DNSRedirect.installed(for: other.address, in: dump), [other])
        XCTAssertEqual(DNSRedirect.installed(for: IPv4Address(0x7f00_000d), in: dump), [])
    }
}
