import XCTest

@testable import SwarmLBKit

/// NFTRuleMessage against libnftnl, on the codec's cases: a rule message is read to the same rule
/// both ways, or left to libnftnl.
extension NFTRuleCodecTests {
    /// The NEWRULE message swarmlb writes for `expressions` (the attributes a dump's message carries,
    /// but the handle), read both ways.
    private func readings(_ expressions: [NFTExpression]) -> (direct: NFTables.Rule?, libnftnl: NFTables.Rule?) {
        let rule = IPTablesRule(target: .jump("ACCEPT"))  // names the message in errors only
        let message = NFTables.Message.newRule(
            table: "mangle", chain: "INPUT", expressions: expressions, compat: (0, false), id: nil, before: nil, rule: rule)
        var buffer = [CChar](repeating: 0, count: 8192)
        return buffer.withUnsafeMutableBufferPointer { buf in
            let nlh = UnsafePointer(NFTables.build(message, into: buf.baseAddress!, sequence: 1, acknowledged: false))
            return (NFTRuleMessage.rule(nlh), NFTables.libnftnlRule(nlh))
        }
    }

    /// Every rule of the codec's cases (matches, targets, verdicts, comments, ranges, bitwise, NAT).
    func testRuleMessagesOfEveryCaseAreReadAsLibnftnlReadsThem() throws {
        XCTAssertGreaterThan(cases.count, 10)
        for (spec, rule, _) in cases {
            let (direct, libnftnl) = readings(try NFTRuleCodec.encode(rule))
            XCTAssertNotNil(direct, spec)
            XCTAssertEqual(direct, libnftnl, spec)
        }
    }

    /// The native expressions swarmlb writes, apply's own mark rule with its counter among them.
    /// (Native NAT and data immediates, which only Docker 29 writes, are read in operator.sh's test
    /// of its `table ip docker-dns`.)
    func testRuleMessagesOfNativeExpressionsAreReadAsLibnftnlReadsThem() {
        let all: [[NFTExpression]] = [
            [
                .payload(base: 1, offset: 16, length: 4, register: 1), .cmp(.eq, register: 1, data: [10, 0, 0, 2]),
                .counter(packets: 7, bytes: 420),
            ],
            [.meta(key: NFTExpression.metaMark, register: 1), .cmp(.neq, register: 1, data: [1, 1, 0, 0]), .verdict(.drop)],
            [.bitwise(source: 1, destination: 1, mask: [255, 255, 0, 0], xor: [0, 0, 0, 0]), .verdict(.jump("DOCKER"))],
            [.range(negated: true, register: 1, from: [0, 80], to: [0, 90]), .verdict(.goto("X")), .verdict(.return)],
            [.verdict(.accept)],
        ]
        for expressions in all {
            let (direct, libnftnl) = readings(expressions)
            XCTAssertEqual(direct?.expressions, expressions)
            XCTAssertEqual(direct, libnftnl)
        }
    }
}
