import Foundation
import SwarmLBKit
import XCTest

@testable import SwarmLBServices

/// Services files written to be read two ways, to exhaust a reader, or to be read as numbers and
/// words other YAML tools read otherwise (issue 22): one reading, within ServicesFileLimits, with
/// one line naming file, line and the limit or field.
final class ServicesFileHostileTests: XCTestCase {
    private func error(_ text: String, file: String = "s.yaml") -> ServicesFileError? {
        do { _ = try ServicesFile.parseNetworks(text, file: file); return nil } catch { return error }
    }

    private func scanned(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { ServicesFileScanner.entries($0) } != nil
    }

    private static let service = "network: n\nservices:\n  - name: a\n    vip: 10.0.0.2"

    /// YAML ends a comment at CR, NEL, LS and PS too: the line after one is read, as libyaml and
    /// PyYAML read it, by both readers.
    func testACommentEndsWhereYAMLEndsIt() throws {
        for end in ["\r", "\u{85}", "\u{2028}", "\u{2029}"] {
            let text = Self.service + "   # x\(end)    vip: 10.0.0.66\n"
            XCTAssertFalse(scanned(text), "left to libyaml: \(text.debugDescription)")
            XCTAssertEqual(
                try ServicesFile.parse(text, file: "s.yaml").services.first?.vip?.description, "10.0.0.66", text.debugDescription)
        }
        let marked = "network: n\nservices:\n  - name: a\n    vip: 10.0.0.2\n    fwmark: 0x101 # x\u{2028}    fwmark: 0x999\n"
        XCTAssertEqual(try ServicesFile.parse(marked, file: "s.yaml").services[0].fwmark, try FirewallMark(parsing: "0x999"))
    }

    /// Control characters in a comment: libyaml refuses the file, and so does the scanner's reader.
    func testControlCharactersInACommentAreRefused() {
        for c in ["\u{1}", "\u{7f}", "\u{c}"] {
            let text = Self.service + " # x\(c)y\n"
            XCTAssertFalse(scanned(text), text.debugDescription)
            XCTAssertTrue(error(text)?.reason.hasPrefix("not valid YAML or JSON: ") ?? false, text.debugDescription)
            XCTAssertEqual(error(text)?.line, 4, "the character's line, though libyaml gives its reader's errors a byte offset only")
        }
        XCTAssertTrue(scanned(Self.service + " # x\ty ~!@\n"), "printable ASCII and tabs stay the scanner's")
    }

    /// What the fuzzer found the scanner read where libyaml reads otherwise or not at all.
    func testTheScannerLeavesWhatLibyamlReadsOtherwise() {
        XCTAssertFalse(scanned("a: 1\n\"b\":c\n"), "a quoted key's `:` without a space is no key to libyaml in block context")
        let long = String(repeating: "k", count: 1100)
        XCTAssertFalse(scanned("\(long): 1\n"), "a key beyond libyaml's 1,024 characters")
        XCTAssertFalse(scanned("{\(long): 1}\n"))
        XCTAssertTrue(scanned("\(String(repeating: "k", count: 900)): 1\n"))
        XCTAssertFalse(scanned("...\n"), "a document end, not a scalar")
        XCTAssertFalse(scanned("- [a,\n...]\n"))
        XCTAssertFalse(scanned("a: \"b\u{7f}\"\n"), "libyaml refuses DEL in a quoted scalar too")
    }

    /// Nesting beyond the limit is refused with its line by both readers, in time and stack that do
    /// not grow with the input: the scanner leaves it to libyaml, whose parser keeps a stack of its own.
    func testDeepNestingIsRefusedWithTheLimit() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertEqual(error(deep)?.description, "s.yaml:1: nests deeper than 64 levels (the limit)")
        XCTAssertEqual(error("\n" + String(repeating: "{a: ", count: 65) + "b" + String(repeating: "}", count: 65))?.line, 2)
        var block = ""
        for i in 0..<200 { block += String(repeating: " ", count: i) + "a:\n" }
        block += String(repeating: " ", count: 200) + "b\n"
        XCTAssertEqual(error(block)?.description, "s.yaml:65: nests deeper than 64 levels (the limit)")
        let within = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertEqual(error(within)?.reason, "expected an object", "64 levels are read (then found no network)")
    }

    /// N services that alias one service whose tasks alias one task: refused once the nodes they stand
    /// for pass the limit, in time linear in the file.
    func testAliasExpansionIsBoundedAndLinear() {
        let n = 20_000
        var text = "network: n\nservices:\n  - &s {name: s, vip: 10.0.0.2, tasks: [&t {name: t, ip: 10.0.0.3}"
        text += String(repeating: ", *t", count: n) + "]}\n" + String(repeating: "  - *s\n", count: n)
        let start = Date()
        let refused = error(text)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(refused?.reason, "stands for more than 16777216 nodes once its aliases are expanded (the limit)")
        XCTAssertEqual(refused?.line, 3 + 16_777_216 / (n * 5 + 9))
    }

    /// Marks, weights and LocalLBIndex are decimal or 0x hex: a leading zero (octal to YAML 1.1 tools)
    /// is refused, quoted or not; YAML's null and booleans where a name or number belongs are refused
    /// unquoted and are text quoted.
    func testOneNumberRuleAndNoYAMLWordsForNames() throws {
        func task(_ tail: String) -> String { "network: n\nservices:\n  - name: a\n    vip: 10.0.0.2\n" + tail }
        XCTAssertEqual(
            error(task("    fwmark: 0401\n"))?.description,
            "s.yaml:5: field services[0].fwmark: 0401 has a leading zero (octal to YAML 1.1 tools): write it in decimal or 0x hex")
        XCTAssertEqual(error(task("    fwmark: 00257\n"))?.field, "services[0].fwmark")
        XCTAssertEqual(error(task("    fwmark: '010'\n"))?.field, "services[0].fwmark", "a quoted number is the same number")
        XCTAssertEqual(try ServicesFile.parse(task("    fwmark: \"0x101\"\n"), file: "s").services[0].fwmark?.value, 0x101)
        XCTAssertEqual(
            error(task("    tasks: [{name: a.1, ip: 10.0.0.3, weight: 010}]\n"))?.description,
            "s.yaml:5: field services[0].tasks[0].weight: 010 has a leading zero (octal to YAML 1.1 tools): write it in decimal or 0x hex")
        XCTAssertEqual(
            try ServicesFile.parse(task("    tasks: [{name: a.1, ip: 10.0.0.3, weight: 0x10}]\n"), file: "s").services[0].tasks[0].weight,
            16)
        XCTAssertEqual(
            try ServicesFile.parse(task("    tasks: [{name: a.1, ip: 10.0.0.3, weight: 0}]\n"), file: "s").services[0].tasks[0].weight, 0)
        XCTAssertNotNil(error(task("    tasks: [{name: a.1, ip: 10.0.0.3, weight: +5}]\n")))
        XCTAssertEqual(
            error("network: n\nservices:\n  - name: null\n    vip: 10.0.0.2\n")?.description,
            #"s.yaml:3: field services[0].name: null is YAML's null, not a name or number (quote it, "null", to mean the text)"#)
        XCTAssertEqual(error("network: n\nservices:\n  - name: ~\n    vip: 10.0.0.2\n")?.field, "services[0].name")
        XCTAssertEqual(
            error(task("    aliases: [no, off, true]\n"))?.description,
            #"s.yaml:5: field services[0].aliases[0]: no is YAML's boolean false, not a name or number (quote it, "no", to mean the text)"#)
        for word in ["off", "True", "YES", "On", "FALSE", "NULL"] {
            XCTAssertEqual(error(task("    aliases: [\(word)]\n"))?.field, "services[0].aliases[0]", word)
        }
        let quoted = try ServicesFile.parse(task("    aliases: [\"no\", 'off', \"null\"]\n"), file: "s")
        XCTAssertEqual(quoted.services[0].aliases, ["no", "off", "null"])
        XCTAssertEqual(try ServicesFile.parse(task("    aliases: [y, n, nope]\n"), file: "s").services[0].aliases, ["y", "n", "nope"])
    }

    /// Docker's JSON: `"Name": null` is no task named null; `0256` is not JSON (nor a mark).
    func testDockerNullsAndLeadingZeros() {
        func docker(_ task: String, index: String = "257") -> String {
            #"[{"Name": "n", "Services": {"web": {"VIP": "10.0.0.2", "LocalLBIndex": \#(index), "Tasks": [\#(task)]}}}]"#
        }
        XCTAssertEqual(
            error(docker(#"{"Name": null, "EndpointIP": "10.0.0.3"}"#))?.description,
            #"s.yaml:1: field [0].Services.web.Tasks[0].Name: null is YAML's null, not a name or number (quote it, "null", to mean the text)"#
        )
        XCTAssertEqual(error(docker("", index: "0256"))?.field, "[0].Services.web.LocalLBIndex")
        XCTAssertNil(error(docker(#"{"Name": "null", "EndpointIP": "10.0.0.3"}"#)), "a quoted null is a string")
        XCTAssertNil(error(docker("", index: "0")), "0: no mark")
    }

    /// Only a regular file is read, at once, and at most ServicesFileLimits.bytes of it.
    func testOnlyRegularFilesWithinTheSizeLimitAreRead() throws {
        func loadError(_ path: String) -> ServicesFileError? {
            do { _ = try ServicesFile.loadNetworks(path: path); return nil } catch { return error }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarmlb-hostile-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let start = Date()
        XCTAssertEqual(loadError(fifo)?.description, "\(fifo): a FIFO, not a regular file (a services file is read only from one)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "refused at once, not waiting for a writer")
        XCTAssertEqual(
            loadError("/dev/zero")?.description, "/dev/zero: a device, not a regular file (a services file is read only from one)")
        XCTAssertEqual(loadError(dir)?.description, "\(dir): a directory, not a regular file (a services file is read only from one)")
        XCTAssertEqual(loadError(fifo)?.exitStatus, 2)
        XCTAssertEqual(loadError(dir + "/none")?.exitStatus, 1, "open(2) failed: a runtime failure")
        let big = dir + "/big.yaml"
        XCTAssertTrue(FileManager.default.createFile(atPath: big, contents: Data("a: 1\n\n".utf8)))
        XCTAssertEqual(truncate(big, off_t(ServicesFileLimits.bytes + 1)), 0)
        XCTAssertEqual(loadError(big)?.description, "\(big):3: larger than 268435456 bytes (the limit)")
        XCTAssertEqual(truncate(big, off_t(ServicesFileLimits.bytes)), 0)
        XCTAssertEqual(loadError(big)?.reason.hasPrefix("not valid YAML or JSON"), true, "a file at the limit is read")
    }
}
