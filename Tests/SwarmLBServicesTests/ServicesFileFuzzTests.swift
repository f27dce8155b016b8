import Foundation
import SwarmLBTestSupport
import XCTest

@testable import SwarmLBServices

/// A grammar-aware differential fuzzer of the two readings of a services file: it writes YAML and
/// JSON documents (block and flow styles, comments, quotes, anchors and aliases, numbers with
/// leading zeros, null and boolean words), then breaks them with what YAML gives a meaning to (CR,
/// NEL, LS, PS, tabs, control characters, a BOM, indicators), and requires that whatever
/// ServicesFileScanner reads, libyaml reads to the same tree. `make test` runs a fixed number of
/// documents from a fixed seed; SWARMLB_FUZZ_SECONDS=N (scripts/fuzz) runs N seconds from a new seed.
final class ServicesFileFuzzTests: XCTestCase {
    private struct Reading: Equatable {
        var kind: ServicesFileNode.Tree.Kind
        var line: Int32, end: Int32, target: Int32
        var text: [UInt8]
    }

    private static func readings(_ tree: ServicesFileNode.Tree) -> [Reading] {
        tree.entries.map { Reading(kind: $0.kind, line: $0.line, end: $0.end, target: $0.target, text: Array(tree.text($0))) }
    }

    /// The scanner's reading and libyaml's of `bytes`, or nil when the scanner leaves it.
    private static func differ(_ bytes: [UInt8]) -> (scanner: [Reading], libyaml: [Reading]?)? {
        guard let entries = bytes.withUnsafeBufferPointer({ ServicesFileScanner.entries($0) }) else { return nil }
        let fast = readings(ServicesFileNode.Tree(entries, bytes: bytes))
        let slow = (try? ServicesFileNode.libyamlTree(bytes)).map(readings)
        return fast == slow ? ([], []) : (fast, slow)
    }

    func testScannerAndLibyamlNeverDisagree() {
        let seconds = ProcessInfo.processInfo.environment["SWARMLB_FUZZ_SECONDS"].flatMap(Double.init)
        let seed = seconds == nil ? 0x5eed_f00d : UInt64(Date().timeIntervalSince1970 * 1000)
        var generator = DocumentGenerator(seed: seed)
        let start = Date()
        var (documents, read, failures) = (0, 0, 0)
        while seconds.map({ Date().timeIntervalSince(start) < $0 }) ?? (documents < 250_000) {
            let bytes = generator.document()
            documents += 1
            guard let (fast, slow) = Self.differ(bytes) else { continue }
            read += 1
            guard fast != [] || slow != [] else { continue }
            failures += 1
            XCTFail(
                "seed \(seed), document \(documents): read otherwise than libyaml: \(String(decoding: bytes, as: UTF8.self).debugDescription)"
            )
            if failures == 10 { break }
        }
        print(
            "services-file fuzz: seed \(seed), \(documents) documents in \(Date().timeIntervalSince(start)) s, \(read) read by the scanner")
        XCTAssertGreaterThan(read, documents / 10, "the scanner should read some of the documents, or the test compares nothing")
    }
}

/// Writes random services-file-like documents, then mutates them.
private struct DocumentGenerator {
    var rng: SplitMix
    init(seed: UInt64) { rng = SplitMix(seed: seed) }

    private mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    private mutating func pick(_ items: [String]) -> String { items[below(items.count)] }

    /// What YAML gives a meaning to, or libyaml refuses.
    static let hostile = [
        "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}", "\t", "\u{1}", "\u{7f}", "\u{c}", "\u{0}", "\u{feff}", "\u{a0}", "\"", "'",
        "&a ", "*a", "!!str ", "!", "? ", "|", ">", "#", " #", "...", "---", "-", "- ", ": ", ":", ",", "[", "]", "{", "}", "\n",
        "  ", " ", "\\", "%", "@", "`", "é", "null", "~", "0401", "0x101", "yes", "\n...\n", "\n---\n", "\u{fffe}",
    ]

    static let scalars = [
        "a", "web", "my-web.1", "10.0.0.2", "10.0.0.0/24", "0x101", "257", "0401", "010", "0", "null", "Null", "~", "no", "off",
        "true", "Yes", "\"q\"", "\"a b\"", "\"\"", "'s'", "-1", ".5", "a.b", "x/y", "+1", "...", "a-b", "_", "é", "\"é\"",
        "1e3", "0o17", "a:b", "\"a\\nb\"", "*a", "&a b", "!!str c", "|\n  t\n", ">\n  t\n", "a b", "..a", "\"a#b\"",
    ]

    static let keys = ["name", "vip", "fwmark", "tasks", "aliases", "ip", "weight", "network", "services", "\"Name\"", "a", "..."]

    mutating func scalar() -> String {
        if chance(1) { return String(repeating: "k", count: 990 + below(40)) }
        return pick(Self.scalars)
    }

    mutating func key() -> String {
        if chance(1) { return String(repeating: "k", count: 995 + below(40)) }
        return chance(85) ? pick(Self.keys) : scalar()
    }

    mutating func comment() -> String {
        guard chance(15) else { return "" }
        var text = pick([" # ", " #", "  # x "])
        for _ in 0..<below(4) { text += chance(60) ? pick(["x", " ", "vip: 10.0.0.66", "é", "#"]) : pick(Self.hostile) }
        return text
    }

    mutating func anchor() -> String { chance(5) ? pick(["&a ", "&b ", "&a\t"]) : "" }

    mutating func flow(depth: Int) -> String {
        if depth > 3 || chance(35) { return chance(5) ? pick(["*a", "*b"]) : anchor() + scalar() }
        let mapping = chance(55)
        let separators = [", ", ",", " , ", ",\n  ", ",\n", "\n, ", ", # c\n "]
        var items: [String] = []
        for _ in 0..<below(4) {
            let value = flow(depth: depth + 1)
            items.append(mapping ? key() + pick([": ", ":", " : ", ":\n "]) + value : value)
        }
        var text = anchor() + (mapping ? "{" : "[") + pick(["", " ", "\n  "])
        for (i, item) in items.enumerated() { text += (i == 0 ? "" : pick(separators)) + item }
        return text + pick(["", " ", "\n", ","]) + (mapping ? "}" : "]")
    }

    mutating func block(indent: Int, depth: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var text = ""
        if depth > 3 || chance(25) { return pad + (chance(50) ? flow(depth: 1) : scalar()) + comment() + "\n" }
        if chance(50) {
            for _ in 0..<(1 + below(3)) {
                text += pad + key() + pick([":", ": ", " :", ":  "])
                if chance(50) {
                    text += " " + anchor() + (chance(70) ? scalar() : flow(depth: 1)) + comment() + "\n"
                } else {
                    text += anchor() + comment() + "\n" + block(indent: indent + [0, 1, 2, 2, 4][below(5)], depth: depth + 1)
                }
            }
        } else {
            for _ in 0..<(1 + below(3)) {
                text += pad + pick(["- ", "-  ", "-", "-\n" + pad + "  "]) + anchor()
                if chance(40) {
                    text += key() + ": " + scalar() + comment() + "\n"
                    if chance(50) { text += pad + "  " + key() + ": " + (chance(70) ? scalar() : flow(depth: 1)) + "\n" }
                } else {
                    text += (chance(60) ? scalar() : flow(depth: 1)) + comment() + "\n"
                }
            }
        }
        if chance(10) { text += pad + pick(["# c\n", "\n", "  # c\n"]) }
        return text
    }

    mutating func document() -> [UInt8] {
        var text = (chance(5) ? pick(["\u{feff}", "---\n", "# head\n", "\n", "%YAML 1.1\n---\n"]) : "") + block(indent: 0, depth: 0)
        if chance(5) { text += pick(["...\n", "---\n", "a: 1\n"]) }
        var bytes = Array(text.utf8)
        for _ in 0..<(chance(40) ? 0 : 1 + below(3)) {
            let i = below(bytes.count + 1)
            switch below(4) {
            case 0, 1: bytes.insert(contentsOf: Array(pick(Self.hostile).utf8), at: i)
            case 2: if i < bytes.count { bytes.remove(at: i) }
            default: if i < bytes.count { bytes[i] = Array(pick(Self.hostile).utf8)[0] }
            }
        }
        return bytes
    }
}
