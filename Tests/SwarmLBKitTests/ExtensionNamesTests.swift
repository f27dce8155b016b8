import XCTest

@testable import SwarmLBKit

/// A read's lookup of record names: each name and revision says the same however often it is met,
/// past the cache's bound of distinct records as before it, with its decoder found by name and revision.
final class ExtensionNamesTests: XCTestCase {
    /// The 32-byte header of an x_tables record (size, 29-byte NUL-padded name, revision).
    func header(_ name: String, _ revision: UInt8, garbage: UInt8 = 0) -> [UInt8] {
        var h = [UInt8](repeating: garbage, count: 32)
        h[0] = 32
        h[1] = 0
        for i in 0..<29 { h[2 + i] = i < name.utf8.count ? Array(name.utf8)[i] : (i == name.utf8.count ? 0 : garbage) }
        h[31] = revision
        return h
    }

    func testEntriesPastTheBoundAndAgainSayTheSame() {
        var names = ExtensionNames()
        let records = (0..<40).map { ("ext\($0)", UInt8($0 % 4)) } + [("tcp", 0), ("mark", 1), ("tcp", 1), ("MARK", 2), ("", 0)]
        for _ in 0..<3 {
            for (name, revision) in records {
                let e = header(name, revision).withUnsafeBytes { names.entry(at: $0.baseAddress! + 2) }
                XCTAssertEqual(e.name, name)
                XCTAssertEqual(e.revision, revision)
                XCTAssertEqual(e.match, RuleCodec.MatchDecoder(name: name, revision: revision), name)
                XCTAssertEqual(e.target, RuleCodec.TargetDecoder(name: name, revision: revision), name)
                XCTAssertEqual(e.isStandard, name.isEmpty, name)
            }
        }
        // Bytes after the name's NUL are no part of it.
        let e = header("limit", 0, garbage: 0x41).withUnsafeBytes { names.entry(at: $0.baseAddress! + 2) }
        XCTAssertEqual(e.name, "limit")
        XCTAssertNil(e.match)
        // A name filling the whole field (no NUL) is read to the field's end.
        let long = String(repeating: "x", count: 29)
        XCTAssertEqual(header(long, 0).withUnsafeBytes { names.entry(at: $0.baseAddress! + 2) }.name, long)
    }
}
