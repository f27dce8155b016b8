import Foundation
import SwarmLBKit
import SwarmLBServices
import XCTest

final class ServicesFileTests: XCTestCase {
    let example = """
        network: my-network
        subnet: 10.0.0.0/24
        services:
          - name: my-web
            vip: 10.0.0.2
            fwmark: 0x101
            aliases: [web]
            endpoint_mode: vip          # or dnsrr
            tasks:
              - {name: my-web.1.5yzoighbalqvio4djic464a9j, ip: 10.0.0.3}
              - {name: my-web.2.14hggmn6m8rucruo2omt8wygt, ip: 10.0.0.4}
          - name: db
            endpoint_mode: dnsrr
            tasks:
              - {name: db.1.abc, ip: 10.0.0.7}
        """

    func testReadsTheIssueExample() throws {
        let n = try ServicesFile.parse(example, file: "svc.yaml")
        XCTAssertEqual(n.network, "my-network")
        XCTAssertEqual(n.subnet?.description, "10.0.0.0/24")
        XCTAssertEqual(n.services.count, 2)
        let web = n.services[0]
        XCTAssertEqual(web.name, "my-web")
        XCTAssertEqual(web.vip?.description, "10.0.0.2")
        XCTAssertEqual(web.fwmark?.value, 257)
        XCTAssertEqual(web.aliases, ["web"])
        XCTAssertEqual(web.endpointMode, .vip)
        XCTAssertEqual(web.tasks.map(\.ip.description), ["10.0.0.3", "10.0.0.4"])
        XCTAssertEqual(n.services[1].endpointMode, .dnsrr)
        XCTAssertNil(n.services[1].vip)
    }

    func testReadsApplySettings() throws {
        let n = try ServicesFile.parse(
            """
            network: n
            services:
              - {name: web, vip: 10.0.0.2, fwmark: 257, scheduler: wrr, tasks: [{name: t1, ip: 10.0.0.3}, {name: t2, ip: 10.0.0.4, weight: 0}]}
            """, file: "a.yaml")
        XCTAssertEqual(n.services[0].scheduler, .wrr)
        XCTAssertEqual(n.services[0].tasks.map(\.weight), [1, 0])
        XCTAssertThrowsError(
            try ServicesFile.parse(
                "network: n\nservices:\n  - {name: w, vip: 10.0.0.2, tasks: [{name: t, ip: 10.0.0.3, weight: 70000}]}",
                file: "b.yaml")
        ) { error in
            XCTAssertEqual("\(error)", "b.yaml:3: field services[0].tasks[0].weight: invalid weight (0-65535): \"70000\"")
        }
        XCTAssertThrowsError(
            try ServicesFile.parse("network: n\nservices:\n  - {name: w, vip: 10.0.0.2, scheduler: fastest}", file: "c.yaml"))
        let intent = try LoadBalancerIntent(n, device: "eth0", chain: "INPUT", subnet: nil, source: IPv4Address(parsing: "10.0.0.10"))
        XCTAssertTrue(intent.snat == nil, "no subnet in the file and none given: no SNAT rule")
        XCTAssertEqual(intent.services[0].reals, [try IPv4Address(parsing: "10.0.0.3"): 1, try IPv4Address(parsing: "10.0.0.4"): 0])
    }

    func testReadsEachTasksNode() throws {
        let n = try ServicesFile.parse(
            "network: n\nservices:\n  - {name: w, endpoint_mode: dnsrr, tasks: [{name: t1, ip: 10.0.0.3, node: 192.168.99.2}, {name: t2, ip: 10.0.0.4}]}",
            file: "a.yaml")
        XCTAssertEqual(n.services[0].tasks.map(\.node), [try IPv4Address(parsing: "192.168.99.2"), nil])
        XCTAssertThrowsError(
            try ServicesFile.parse(
                "network: n\nservices:\n  - {name: w, endpoint_mode: dnsrr, tasks: [{name: t, ip: 10.0.0.3, node: node-2}]}", file: "b.yaml"
            )
        ) { error in
            XCTAssertTrue("\(error)".hasPrefix("b.yaml:3: field services[0].tasks[0].node: "), "\(error)")
        }
    }

    func testReadsJSON() throws {
        let json =
            #"{"network": "net", "services": [{"name": "api", "vip": "10.0.0.9", "fwmark": 300, "tasks": [{"name": "api.1.x", "ip": "10.0.0.10"}]}]}"#
        let n = try ServicesFile.parse(json, file: "svc.json")
        XCTAssertEqual(n.services[0].fwmark?.value, 300)
        XCTAssertEqual(n.services[0].tasks[0].name, "api.1.x")
    }

    func testErrorsNameFileLineAndField() {
        func error(_ text: String) -> ServicesFileError? {
            do { _ = try ServicesFile.parse(text, file: "svc.yaml"); return nil } catch { return error }
        }
        let badVIP = example.replacingOccurrences(of: "vip: 10.0.0.2", with: "vip: 10.0.0.300")
        XCTAssertEqual(error(badVIP)?.description, #"svc.yaml:5: field services[0].vip: invalid IPv4 address: "10.0.0.300""#)
        let badTask = example.replacingOccurrences(of: "ip: 10.0.0.4}", with: "ip: nope}")
        XCTAssertEqual(error(badTask)?.line, 11)
        XCTAssertEqual(error(badTask)?.field, "services[0].tasks[1].ip")
        let typo = example.replacingOccurrences(of: "aliases:", with: "alias:")
        XCTAssertEqual(error(typo)?.field, "services[0].alias")
        XCTAssertEqual(error(typo)?.line, 7)
        let noVIP = example.replacingOccurrences(of: "    vip: 10.0.0.2\n", with: "")
        XCTAssertEqual(error(noVIP)?.field, "services[0].vip")
        let duplicate = example.replacingOccurrences(of: "aliases: [web]", with: "aliases: [db]")
        XCTAssertEqual(error(duplicate)?.reason, #"name "db" is already used by services[0].aliases[0]"#)
        XCTAssertEqual(error(duplicate)?.field, "services[1].name")
        XCTAssertEqual(error("network: n\nservices: [\n")?.field, "")
        XCTAssertNotNil(error("network: n\nservices: [\n")?.line)
        XCTAssertEqual(error("")?.reason, "the file is empty")
        XCTAssertEqual(error("network: bad name\n")?.field, "network")
        XCTAssertEqual(error("network: n\nservices:\n  - name: x\n    vip: 10.0.0.1\n    fwmark: 0\n")?.field, "services[0].fwmark")
    }

    /// Entries that parse alone but contradict another or the subnet: refused at the later entry's own line.
    func testContradictionsAreRefusedAtTheirOwnLine() {
        func error(_ text: String) -> ServicesFileError? {
            do { _ = try ServicesFile.parse(text, file: "svc.yaml"); return nil } catch { return error }
        }
        let dnsrrVIP = example.replacingOccurrences(of: "    endpoint_mode: dnsrr\n", with: "    endpoint_mode: dnsrr\n    vip: 10.0.0.9\n")
        XCTAssertEqual(
            error(dnsrrVIP)?.description,
            "svc.yaml:14: field services[1].vip: a dnsrr service has no VIP (remove vip, or use endpoint_mode: vip)")
        let sameTask = example.replacingOccurrences(of: "db.1.abc", with: "My-Web.2.14hggmn6m8rucruo2omt8wygt")
        XCTAssertEqual(
            error(sameTask)?.description,
            #"svc.yaml:15: field services[1].tasks[0].name: name "My-Web.2.14hggmn6m8rucruo2omt8wygt" is already used by services[0].tasks[1].name"#
        )
        let twoOnOneVIP = example + "\n  - {name: api, vip: 10.0.0.2}"
        XCTAssertEqual(error(twoOnOneVIP)?.description, "svc.yaml:16: field services[2].vip: VIP 10.0.0.2 is already used by services[0]")
        let outsideTask = example.replacingOccurrences(of: "ip: 10.0.0.7", with: "ip: 10.1.0.7")
        XCTAssertEqual(
            error(outsideTask)?.description,
            "svc.yaml:15: field services[1].tasks[0].ip: 10.1.0.7 is outside the network's subnet 10.0.0.0/24")
        let outsideVIP = example.replacingOccurrences(of: "vip: 10.0.0.2", with: "vip: 192.168.0.2")
        XCTAssertEqual(error(outsideVIP)?.line, 5)
        XCTAssertEqual(error(outsideVIP)?.field, "services[0].vip")
        let aliasClash = example.replacingOccurrences(of: "aliases: [web]", with: "aliases:\n      - web\n      - DB")
        XCTAssertEqual(error(aliasClash)?.field, "services[1].name", "the service named later is the clash")
        let aliasLater = example + "\n  - {name: api, vip: 10.0.0.20, aliases: [x, Web]}"
        XCTAssertEqual(
            error(aliasLater)?.description,
            #"svc.yaml:16: field services[2].aliases[1]: name "Web" is already used by services[0].aliases[0]"#)
        let aliasOnItsOwnLine = example + "\n  - name: api\n    vip: 10.0.0.20\n    aliases:\n      - x\n      - web"
        XCTAssertEqual(error(aliasOnItsOwnLine)?.line, 20, "the alias's line, not the service's")
        XCTAssertNil(
            error(example.replacingOccurrences(of: "subnet: 10.0.0.0/24\n", with: "") + "\n  - {name: far, vip: 192.0.2.1}"),
            "no subnet: any address")
    }

    /// The reader's own errors (libyaml's events): syntax with its line, no document, two documents,
    /// an alias to no anchor; aliases resolved; quoted null is a string.
    func testSyntaxAndDocumentErrors() {
        func error(_ text: String) -> ServicesFileError? {
            do { _ = try ServicesFile.parseNetworks(text, file: "s.yaml"); return nil } catch { return error }
        }
        let unclosed = error("network: n\nservices:\n  - {name: a, vip: 10.0.0.2\n")
        XCTAssertEqual(unclosed?.line, 4)
        XCTAssertEqual(unclosed?.field, "")
        XCTAssertTrue(unclosed?.reason.hasPrefix("not valid YAML or JSON: ") ?? false, unclosed?.description ?? "")
        XCTAssertEqual(error("# only a comment\n")?.description, "s.yaml: the file is empty")
        XCTAssertEqual(
            error("network: a\n---\nnetwork: b\n")?.description,
            "s.yaml:2: not valid YAML or JSON: a second document in the stream (the file holds one)")
        XCTAssertEqual(
            error("network: n\nservices:\n  - {name: a, vip: *v}\n")?.description,
            "s.yaml:3: not valid YAML or JSON: alias *v names no anchor")
        XCTAssertEqual(
            error("network: n\nservices:\n  - {name: a, vip: \"\"}\n")?.description,
            "s.yaml:3: field services[0].vip: expected a non-empty value")
        XCTAssertEqual(error("network: n\nservices: {a: 1}\n")?.description, "s.yaml:2: field services: expected a list")
        XCTAssertEqual(error("- 1\n")?.description, "s.yaml:1: field [0]: expected an object")
        let aliased = try? ServicesFile.parse(
            "network: n\nservices:\n  - {name: a, vip: &v 10.0.0.2}\n  - {name: b, endpoint_mode: dnsrr, aliases: [*v]}\n", file: "s.yaml")
        XCTAssertEqual(aliased?.services[1].aliases, ["10.0.0.2"], "an alias reads as its anchor's value")
        let anchored = try? ServicesFile.parse("network: &n net\nservices:\n  - {name: *n, vip: 10.0.0.2}\n", file: "s.yaml")
        XCTAssertEqual(anchored?.services.first?.name, "net")
    }

    /// What open(2) and read(2) say about a file that cannot be read, and bytes that are not UTF-8.
    func testUnreadableFiles() throws {
        func error(_ path: String) -> String? {
            do { _ = try ServicesFile.load(path: path); return nil } catch { return error.description }
        }
        XCTAssertEqual(error("/nonexistent.yaml"), "/nonexistent.yaml: cannot read the file: No such file or directory (ENOENT)")
        XCTAssertEqual(error("/tmp"), "/tmp: a directory, not a regular file (a services file is read only from one)")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swarmlb-latin1-\(getpid()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data([0x6e, 0x3a, 0x20, 0xe9, 0x0a])))
        XCTAssertEqual(error(path), "\(path): not UTF-8 text")
        let big = (1...3000).map {
            "  - {name: s\($0), vip: 10.1.\($0 / 256).\($0 % 256), fwmark: \(256 + $0), tasks: [{name: s\($0).1, ip: 10.200.\($0 / 256).\($0 % 256)}]}"
        }
        XCTAssertTrue(
            FileManager.default.createFile(atPath: path, contents: Data(("network: bench\nservices:\n" + big.joined(separator: "\n")).utf8))
        )
        let n = try ServicesFile.load(path: path)
        XCTAssertEqual(n.services.count, 3000, "a file longer than one 64 KiB read")
        XCTAssertEqual(n.services[2999].tasks.first?.ip.description, "10.200.11.184")
    }

    func testDNSNames() {
        XCTAssertTrue(DNSName.isValid("my-web.1.5yzoighbalqvio4djic464a9j"))
        XCTAssertTrue(DNSName.isValid("tasks.my_web"))
        XCTAssertFalse(DNSName.isValid("a..b"))
        XCTAssertFalse(DNSName.isValid(String(repeating: "a", count: 64)))
        XCTAssertFalse(DNSName.isValid("sp ace"))
        XCTAssertEqual(DNSName.key("My-Web.My-Network."), "my-web.my-network")
    }
}
