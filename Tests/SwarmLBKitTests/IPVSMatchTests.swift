import XCTest

@testable import SwarmLBKit

/// `-m ipvs` as libxt_ipvs writes and saves it: the xt_ipvs_mtinfo bytes, the `iptables -S`
/// spelling (option order, `!`, the protocol as a number, the mask as xtables prints it).
final class IPVSMatchTests: XCTestCase {
    func match(_ build: (inout IPVSMatch) -> Void) -> IPVSMatch {
        var m = IPVSMatch()
        build(&m)
        return m
    }

    var cases: [(String, IPVSMatch)] {
        [
            ("-m ipvs --ipvs", .property),
            ("-m ipvs ! --ipvs", match { $0.require(.ipvs, negated: true) }),
            (
                "-m ipvs --vproto 6 --vdir ORIGINAL",
                match {
                    $0.proto = 6; $0.require(.proto, negated: false); $0.require(.direction, negated: false)
                }
            ),
            (
                "-m ipvs ! --vproto 17 --vdir REPLY",
                match {
                    $0.proto = 17; $0.require(.proto, negated: true); $0.require(.direction, negated: true)
                }
            ),
            (
                "-m ipvs --vaddr 10.0.0.2",
                match {
                    ($0.address, $0.mask) = (try! IPv4Address(parsing: "10.0.0.2"), 0xffff_ffff); $0.require(.address, negated: false)
                }
            ),
            (
                "-m ipvs ! --vaddr 10.0.0.2/24",
                match {
                    ($0.address, $0.mask) = (try! IPv4Address(parsing: "10.0.0.2"), 0xffff_ff00); $0.require(.address, negated: true)
                }
            ),
            (
                "-m ipvs --vaddr 10.0.0.2/255.0.255.0",
                match {
                    ($0.address, $0.mask) = (try! IPv4Address(parsing: "10.0.0.2"), 0xff00_ff00); $0.require(.address, negated: false)
                }
            ),
            (
                "-m ipvs ! --vport 80 --vmethod GATE ! --vportctl 21",
                match {
                    $0.port = 80; $0.method = .gate; $0.controlPort = 21; $0.require(.port, negated: true);
                    $0.require(.method, negated: false); $0.require(.controlPort, negated: true)
                }
            ),
            (
                "-m ipvs ! --vmethod IPIP",
                match {
                    $0.method = .ipip; $0.require(.method, negated: true)
                }
            ),
            (
                "-m ipvs --vmethod MASQ",
                match {
                    $0.method = .masq; $0.require(.method, negated: false)
                }
            ),
        ]
    }

    func testSpelledAsIptablesSavesIt() {
        for (text, m) in cases { XCTAssertEqual(IPTablesRule.Match.ipvs(m).specification, text) }
    }

    func testEncodedAndDecodedBackUnchanged() {
        for (text, m) in cases {
            let x = RuleCodec.xtExtension(.ipvs(m))
            XCTAssertEqual(x.payload.count, 40, text)
            let decoded = RuleCodec.decodeMatch(x)
            XCTAssertEqual(decoded, .ipvs(m), text)
        }
    }

    /// The xt_ipvs_mtinfo layout: vaddr, vmask (16 bytes each), vport (BE), l4proto, fwd_method, vportctl (BE), invert, bitmask.
    func testLayoutIsXtIPVSMtinfo() {
        var m = IPVSMatch()
        (m.address, m.mask, m.proto, m.port, m.method, m.controlPort) = (
            try! IPv4Address(parsing: "10.0.0.2"), 0xffff_ff00, 6, 80, .gate, 21
        )
        for p: IPVSMatch.Properties in [.proto, .address, .port, .method, .controlPort] { m.require(p, negated: p == .port) }
        m.require(.direction, negated: true)
        var expected = [UInt8](repeating: 0, count: 40)
        expected[0...3] = [10, 0, 0, 2]
        expected[16...19] = [0xff, 0xff, 0xff, 0]
        expected[32...39] = [0, 80, 6, 3, 0, 21, 0x18, 0x7f]
        XCTAssertEqual(RuleCodec.xtExtension(.ipvs(m)).payload, expected)
    }

    /// Bytes libxt_ipvs would never write (a field set that no option gives, a method it cannot name)
    /// stay undecoded, so that they are printed, compared and deleted as they are.
    func testWhatLibxtIPVSDoesNotWriteStaysOpaque() {
        var strayProto = [UInt8](repeating: 0, count: 40)
        strayProto[34] = 6
        strayProto[39] = 1
        var bypass = [UInt8](repeating: 0, count: 40)
        bypass[35] = 4
        bypass[39] = 0x21
        for payload in [strayProto, bypass] {
            let decoded = RuleCodec.decodeMatch(XTExtension(name: "ipvs", revision: 0, payload: payload))
            XCTAssertEqual(decoded, .opaque(OpaqueExtension(name: "ipvs", revision: 0, data: payload)))
        }
    }
}
