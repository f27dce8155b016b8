import Foundation
import SwarmLBTestSupport
import XCTest

@testable import SwarmLBServices

/// ServicesFileScanner against libyaml: every file the scanner reads, it reads to exactly the
/// entries (kinds, texts, styles, lines, subtrees) libyaml's events give; it leaves the rest.
final class ServicesFileScannerTests: XCTestCase {
    /// An entry as both readings must give it: its text rather than where that text is kept.
    private struct Reading: Equatable {
        var kind: ServicesFileNode.Tree.Kind
        var line: Int32, end: Int32, target: Int32
        var text: String
    }

    private func readings(_ tree: ServicesFileNode.Tree) -> [Reading] {
        tree.entries.map { e in
            Reading(
                kind: e.kind, line: e.line, end: e.end, target: e.target,
                text: String(decoding: tree.text(e), as: UTF8.self))
        }
    }

    private func scanned(_ text: String) -> [Reading]? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { ServicesFileScanner.entries($0) }.map { readings(.init($0, bytes: bytes)) }
    }

    private func libyaml(_ text: String) -> [Reading]? {
        (try? ServicesFileNode.libyamlTree(Array(text.utf8))).map(readings)
    }

    /// Asserts that the scanner reads `text` as libyaml does, or leaves it; returns whether it read it.
    @discardableResult
    private func assertSameOrLeft(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard let fast = scanned(text) else { return false }
        if fast != libyaml(text) { XCTFail("read otherwise than libyaml:\n\(text)", file: file, line: line) }
        return true
    }

    /// The shapes the scanner is for: each is read by it, and as libyaml reads it.
    static let common: [String] = [
        // The bench's file: flow mappings in a block sequence.
        """
        network: bench
        subnet: 10.0.0.0/8
        services:
          - {name: s1, vip: 10.1.0.1, fwmark: 257, tasks: [{name: s1.1, ip: 10.200.0.3}, {name: s1.2, ip: 10.200.0.4}]}
          - {name: s2, vip: 10.1.0.2, fwmark: 258, tasks: [{name: s2.1, ip: 10.200.0.6}]}

        """,
        // The README's: block mappings, comments, a flow list, an indentless sequence.
        """
        # services of my-network
        network: my-network
        subnet: 10.0.0.0/24
        services:
          - name: my-web
            vip: 10.0.0.2
            fwmark: 0x101
            aliases: [web, www]   # DNS names too
            endpoint_mode: vip          # or dnsrr
            scheduler: wrr
            tasks:
              - {name: my-web.1.5yzoighbalqvio4djic464a9j, ip: 10.0.0.3}
              - {name: my-web.2.0x1j3m4de0ps6jhlrdvf9yyq0, ip: 10.0.0.4, weight: 0}
          - name: db
            endpoint_mode: dnsrr
            tasks:
            - name: db.1.abc
              ip: 10.0.0.7
        """,
        // JSON, on one line and as Docker prints it.
        #"{"network": "net", "services": [{"name": "api", "vip": "10.0.0.9", "fwmark": 300, "tasks": [{"name": "api.1.x", "ip": "10.0.0.10"}]}]}"#,
        """
        [
            {
                "Name": "my-network",
                "Id": "kmxnp7f6zw6ijjnf4hc4pyn0d",
                "Labels": {},
                "IPAM": {"Driver": "default", "Options": null, "Config": [{"Subnet": "10.0.1.0/24", "Gateway": "10.0.1.1"}]},
                "Services": {
                    "my-web": {"VIP": "10.0.1.2", "Ports": [], "LocalLBIndex": 257, "Tasks": []}
                }
            }
        ]
        """,
        "network: n\nservices: []\n",
        "network: n\nservices:\n- name: a\n  vip: 10.0.0.2\n",
        "a: {}\nb: [[x, y], {c: d}]\n",
    ]

    func testReadsTheCommonShapesAsLibyamlDoes() throws {
        for text in Self.common { XCTAssertTrue(assertSameOrLeft(text), "left to libyaml:\n\(text)") }
        let fixture = #filePath.replacingOccurrences(
            of: "ServicesFileScannerTests.swift", with: "Fixtures/docker-network-inspect.json")
        let docker = try String(contentsOfFile: fixture, encoding: .utf8)
        XCTAssertTrue(assertSameOrLeft(docker), "Docker's own output left to libyaml")
    }

    /// What it leaves to libyaml, which reads it (or words its error) itself.
    func testLeavesTheRestToLibyaml() {
        let others = [
            "", "# only a comment\n", "---\nnetwork: n\n", "network: n\n...\n", "a: &x 1\nb: *x\n", "a: !!str 1\n",
            "a: |\n  text\n", "a: 'single'\n", "a: \"esc\\n\"\n", "a:\n  b\n  c\n", "a: b c\n", "a:\n", "a: {b: }\n",
            "a: [b, ]\n", "a:\tb\n", "a: b\r\n", "a: -1\n", "a: b#c\n", "a: [b\n c]\n", "a: b: c\n", "a:b\n",
            "- - \n", "a: ~\n", "a: é\n", "? a\n: b\n", "a: [b c]\n", "  a: 1\nb: 2\n",
        ]
        for text in others { XCTAssertNil(scanned(text), "read without libyaml:\n\(text)") }
    }

    /// Small changes to the common shapes (a character deleted, doubled or replaced by one YAML
    /// gives a meaning to), deterministic: whatever the scanner still reads, libyaml reads alike.
    func testMutatedFilesAreReadAsLibyamlReadsThemOrLeft() {
        var rng = SplitMix(seed: 0x5eed)
        let alphabet = Array(" \n:-#,[]{}\"a0.\t".utf8)
        var read = 0
        for _ in 0..<20_000 {
            var bytes = Array(Self.common[Int(rng.next() % UInt64(Self.common.count))].utf8)
            for _ in 0...(rng.next() % 3) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes.remove(at: i)
                case 1: bytes.insert(bytes[i], at: i)
                default: bytes[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
                if bytes.isEmpty { break }
            }
            if assertSameOrLeft(String(decoding: bytes, as: UTF8.self)) { read += 1 }
        }
        XCTAssertGreaterThan(read, 2_000, "the mutants should not all be left to libyaml")
    }
}
