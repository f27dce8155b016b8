import Foundation
import SwarmLBKit
import XCTest

@testable import SwarmLBDNS

final class JSONLogHandlerTests: XCTestCase {
    func testStringsAreQuotedAsJSON() throws {
        let text = "a \"quoted\" \\ path\nnew line\ttab \u{1} é"
        let quoted = jsonStringLiteral(text)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        XCTAssertEqual(decoded, [text])
        XCTAssertFalse(quoted.contains("\n"), "one object per line")
    }

    func testTimestampsAreRFC3339UTCWithMilliseconds() {
        let t = JSONLogHandler.timestamp()
        XCTAssertNotNil(t.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression), t)
    }
}
