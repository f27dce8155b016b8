import CNFTables
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

    /// nft's limit (iptables-nft 1.8.9 writes `-m limit` so) is read directly as libnftnl reads it, its
    /// text too: every unit, a burst, bytes and packets, a unit libnftnl has no name for.
    func testLimitIsReadAsLibnftnlReadsIt() throws {
        for (rate, unit, burst, type, flags) in [
            (5, 60, 5, 0, 0), (1, 1, 0, 0, 0), (1000, 86400, 3, 1, 0), (7, 3600, 1, 0, 1), (2, 604800, 9, 0, 0), (3, 7, 2, 0, 0),
        ] as [(UInt64, UInt64, UInt32, UInt32, UInt32)] {
            let r = try XCTUnwrap(nftnl_rule_alloc())
            defer { nftnl_rule_free(r) }
            nftnl_rule_set_str(r, UInt16(NFTNL_RULE_TABLE.rawValue), "mangle")
            nftnl_rule_set_str(r, UInt16(NFTNL_RULE_CHAIN.rawValue), "INPUT")
            let e = try XCTUnwrap(nftnl_expr_alloc("limit"))
            nftnl_expr_set_u64(e, UInt16(NFTNL_EXPR_LIMIT_RATE), rate)
            nftnl_expr_set_u64(e, UInt16(NFTNL_EXPR_LIMIT_UNIT), unit)
            nftnl_expr_set_u32(e, UInt16(NFTNL_EXPR_LIMIT_BURST), burst)
            nftnl_expr_set_u32(e, UInt16(NFTNL_EXPR_LIMIT_TYPE), type)
            nftnl_expr_set_u32(e, UInt16(NFTNL_EXPR_LIMIT_FLAGS), flags)
            var text = [CChar](repeating: 0, count: 256)
            _ = nftnl_expr_snprintf(&text, text.count, e, UInt32(NFTNL_OUTPUT_DEFAULT.rawValue), 0)
            let libnftnlText = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            nftnl_rule_add_expr(r, e)
            var buffer = [CChar](repeating: 0, count: 8192)
            buffer.withUnsafeMutableBufferPointer { buf in
                let nlh = nftnl_nlmsg_build_hdr(buf.baseAddress, UInt16(NFT_MSG_NEWRULE.rawValue), UInt16(NFPROTO_IPV4), 0, 1)!
                nftnl_rule_nlmsg_build_payload(nlh, r)
                let direct = NFTRuleMessage.rule(UnsafePointer(nlh))
                XCTAssertNotNil(direct)
                XCTAssertEqual(direct, NFTables.libnftnlRule(UnsafePointer(nlh)), "rate \(rate)/\(unit) burst \(burst)")
                XCTAssertEqual(direct?.expressions.first?.description, "[ limit \(libnftnlText)]")
            }
        }
    }
}
