import XCTest

@testable import SwarmLBKit

/// The rules of `docker_rules` (Tests/integration/lib.sh) and a few more, with the expressions
/// iptables-nft 1.8.9 writes for them as `nft --debug=netlink list ruleset` printed them on a
/// 6.x kernel, and the `iptables-nft -S` text it reads back.
final class NFTRuleCodecTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }
    let net = { (s: String) in try! IPv4Subnet(parsing: s) }

    /// (`iptables -S` text after `-A CHAIN`, rule, expressions).
    var cases: [(String, IPTablesRule, [String])] {
        var masquerade = IPTablesRule.NATRange(ports: 1000...2000)
        masquerade.random = true
        var notTen = IPTablesRule(
            source: net("10.0.0.0/8"), outInterface: "eth+", proto: 17,
            matches: [.ports(.udp, source: nil, destination: .init(53, negated: true))],
            target: .masquerade(masquerade))
        notTen.negated = [.source, .outInterface]
        let notState = IPTablesRule(matches: [.state([.invalid, .new], negated: true)], target: .jump("DROP"))
        var gotoIsolation = IPTablesRule(
            matches: [.mark(value: 1, mask: 0xff, negated: false), .comment("swarm test's \"rule\"")],
            target: .jump("DOCKER-ISOLATION"))
        gotoIsolation.goto = true
        var fragment = IPTablesRule(target: .jump("RETURN"))
        fragment.fragment = true
        var notFragment = fragment
        notFragment.negated = [.fragment]
        var notSource = IPTablesRule(source: net("10.1.2.3/32"), destination: net("1.2.3.0/25"), target: .jump("ACCEPT"))
        notSource.negated = [.source, .destination]
        var notAnyInterface = IPTablesRule(inInterface: "+", target: .jump("ACCEPT"))
        notAnyInterface.negated = [.inInterface]
        let counter = "[ counter pkts 0 bytes 0 ]"
        return [
            (
                "-d 127.0.0.11/32 -j DOCKER_OUTPUT",
                IPTablesRule(destination: net("127.0.0.11/32"), target: .jump("DOCKER_OUTPUT")),
                [
                    "[ payload load 4b @ network header + 16 => reg 1 ]", "[ cmp eq reg 1 0x0b00007f ]", counter,
                    "[ immediate reg 0 jump -> DOCKER_OUTPUT ]",
                ]
            ),
            (
                "-d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:38534",
                IPTablesRule(
                    destination: net("127.0.0.11/32"), proto: 6, matches: [.ports(.tcp, source: nil, destination: .init(53))],
                    target: .dnat(.init(address: a("127.0.0.11"), port: 38534))),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]",
                    "[ payload load 4b @ network header + 16 => reg 1 ]", "[ cmp eq reg 1 0x0b00007f ]",
                    "[ payload load 2b @ transport header + 2 => reg 1 ]", "[ cmp eq reg 1 0x00003500 ]", counter,
                    "[ target name DNAT rev 2 ]",
                ]
            ),
            (
                "-d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:39353",
                IPTablesRule(
                    destination: net("127.0.0.11/32"), proto: 17, matches: [.ports(.udp, source: nil, destination: .init(53))],
                    target: .dnat(.init(address: a("127.0.0.11"), port: 39353))),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000011 ]",
                    "[ payload load 4b @ network header + 16 => reg 1 ]", "[ cmp eq reg 1 0x0b00007f ]",
                    "[ payload load 2b @ transport header + 2 => reg 1 ]", "[ cmp eq reg 1 0x00003500 ]", counter,
                    "[ target name DNAT rev 2 ]",
                ]
            ),
            (
                "-s 127.0.0.11/32 -p tcp -m tcp --sport 38534 -j SNAT --to-source :53",
                IPTablesRule(
                    source: net("127.0.0.11/32"), proto: 6, matches: [.ports(.tcp, source: .init(38534), destination: nil)],
                    target: .snat(.init(address: nil, port: 53))),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]",
                    "[ payload load 4b @ network header + 12 => reg 1 ]", "[ cmp eq reg 1 0x0b00007f ]",
                    "[ payload load 2b @ transport header + 0 => reg 1 ]", "[ cmp eq reg 1 0x00008696 ]", counter,
                    "[ target name SNAT rev 0 ]",
                ]
            ),
            (
                "-s 127.0.0.11/32 -p udp -m udp --sport 39353 -j SNAT --to-source :53",
                IPTablesRule(
                    source: net("127.0.0.11/32"), proto: 17, matches: [.ports(.udp, source: .init(39353), destination: nil)],
                    target: .snat(.init(address: nil, port: 53))),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000011 ]",
                    "[ payload load 4b @ network header + 12 => reg 1 ]", "[ cmp eq reg 1 0x0b00007f ]",
                    "[ payload load 2b @ transport header + 0 => reg 1 ]", "[ cmp eq reg 1 0x0000b999 ]", counter,
                    "[ target name SNAT rev 0 ]",
                ]
            ),
            (
                "-m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
                IPTablesRule(matches: [.addrtype(source: [], destination: .local)], target: .jump("DOCKER-INGRESS")),
                ["[ match name addrtype rev 1 ]", counter, "[ immediate reg 0 jump -> DOCKER-INGRESS ]"]
            ),
            (
                "-p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080",
                IPTablesRule(
                    proto: 6, matches: [.ports(.tcp, source: nil, destination: .init(8080))],
                    target: .dnat(.init(address: a("172.18.0.2"), port: 8080))),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]",
                    "[ payload load 2b @ transport header + 2 => reg 1 ]", "[ cmp eq reg 1 0x0000901f ]", counter,
                    "[ target name DNAT rev 2 ]",
                ]
            ),
            ("-j RETURN", IPTablesRule(target: .jump("RETURN")), [counter, "[ immediate reg 0 return ]"]),
            (
                "-o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE",
                IPTablesRule(
                    outInterface: "docker_gwbridge", matches: [.addrtype(source: .local, destination: [])], target: .masquerade(.init())),
                [
                    "[ meta load oifname => reg 1 ]", "[ cmp eq reg 1 0x6b636f64 0x675f7265 0x69726277 0x00656764 ]",
                    "[ match name addrtype rev 1 ]", counter, "[ target name MASQUERADE rev 0 ]",
                ]
            ),
            (
                "! -s 10.0.0.0/8 ! -o eth+ -p udp -m udp ! --dport 53 -j MASQUERADE --to-ports 1000-2000 --random", notTen,
                [
                    "[ meta load oifname => reg 1 ]", "[ cmp neq reg 1 0x00687465 ]",
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000011 ]",
                    "[ payload load 1b @ network header + 12 => reg 1 ]", "[ cmp neq reg 1 0x0000000a ]",
                    "[ payload load 2b @ transport header + 2 => reg 1 ]", "[ cmp neq reg 1 0x00003500 ]", counter,
                    "[ target name MASQUERADE rev 0 ]",
                ]
            ),
            (
                "-i eth0 -p gre -j ACCEPT", IPTablesRule(inInterface: "eth0", proto: 47, target: .jump("ACCEPT")),
                [
                    "[ meta load iifname => reg 1 ]", "[ cmp eq reg 1 0x30687465 0x00000000 ]",
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x0000002f ]", counter, "[ immediate reg 0 accept ]",
                ]
            ),
            (
                "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                IPTablesRule(matches: [.conntrackState([.related, .established], negated: false)], target: .jump("ACCEPT")),
                ["[ match name conntrack rev 3 ]", counter, "[ immediate reg 0 accept ]"]
            ),
            (
                "-m state ! --state INVALID,NEW -j DROP", notState,
                ["[ match name conntrack rev 3 ]", counter, "[ immediate reg 0 drop ]"]
            ),
            (
                "-m mark --mark 0x1/0xff -m comment --comment \"swarm test\\'s \\\"rule\\\"\" -g DOCKER-ISOLATION", gotoIsolation,
                [
                    "[ meta load mark => reg 1 ]", "[ bitwise reg 1 = ( reg 1 & 0x000000ff ) ^ 0x00000000 ]",
                    "[ cmp eq reg 1 0x00000001 ]", "[ match name comment rev 0 ]", counter,
                    "[ immediate reg 0 goto -> DOCKER-ISOLATION ]",
                ]
            ),
            (
                "-f -j RETURN", fragment,
                [
                    "[ payload load 2b @ network header + 6 => reg 1 ]", "[ bitwise reg 1 = ( reg 1 & 0x0000ff1f ) ^ 0x00000000 ]",
                    "[ cmp neq reg 1 0x00000000 ]", counter, "[ immediate reg 0 return ]",
                ]
            ),
            (
                "-m comment --comment plain_1", IPTablesRule(matches: [.comment("plain_1")], target: .none),
                ["[ match name comment rev 0 ]", counter]
            ),
            (
                "-p tcp -m tcp ! --tcp-flags SYN,ACK SYN -j DROP",
                IPTablesRule(
                    proto: 6,
                    matches: [.ports(.tcp, source: nil, destination: nil, tcpFlags: .init(mask: 0x12, compare: 0x02, negated: true))],
                    target: .jump("DROP")),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]",
                    "[ payload load 1b @ transport header + 13 => reg 1 ]", "[ bitwise reg 1 = ( reg 1 & 0x00000012 ) ^ 0x00000000 ]",
                    "[ cmp neq reg 1 0x00000002 ]", counter, "[ immediate reg 0 drop ]",
                ]
            ),
            (
                "-p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff",
                MarkRule(chain: "PREROUTING", selector: .port(TransportPort(.tcp, 8080)), mark: FirewallMark(0x10f)).rule,
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]",
                    "[ payload load 2b @ transport header + 2 => reg 1 ]", "[ cmp eq reg 1 0x0000901f ]", counter,
                    "[ target name MARK rev 2 ]",
                ]
            ),
            (
                "-d 10.0.0.4/32 -j MARK --set-xmark 0x10f/0xffffffff",
                MarkRule(chain: "INPUT", selector: .vip(a("10.0.0.4")), mark: FirewallMark(0x10f)).rule,
                [
                    "[ payload load 4b @ network header + 16 => reg 1 ]", "[ cmp eq reg 1 0x0400000a ]", counter,
                    "[ target name MARK rev 2 ]",
                ]
            ),
            (
                "-j MARK --set-xmark 0x5/0xffffffff", IPTablesRule(target: .mark(value: 5, mask: 0xffff_ffff)),
                [counter, "[ target name MARK rev 2 ]"]
            ),
            // Beyond docker_rules: the swarmlb SNAT rule, prefixes, combined and ranged ports, `! -f`, `! -i +`.
            (
                "-d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                SNATRule(subnet: net("10.0.0.0/24"), source: a("10.0.0.5")).rule,
                [
                    "[ payload load 3b @ network header + 16 => reg 1 ]", "[ cmp eq reg 1 0x0000000a ]",
                    "[ match name ipvs rev 0 ]", counter, "[ target name SNAT rev 0 ]",
                ]
            ),
            (
                "-s 10.1.2.0/23 -j ACCEPT", IPTablesRule(source: net("10.1.2.0/23"), target: .jump("ACCEPT")),
                [
                    "[ payload load 4b @ network header + 12 => reg 1 ]", "[ bitwise reg 1 = ( reg 1 & 0x00feffff ) ^ 0x00000000 ]",
                    "[ cmp eq reg 1 0x0002010a ]", counter, "[ immediate reg 0 accept ]",
                ]
            ),
            (
                "! -s 10.1.2.3/32 ! -d 1.2.3.0/25 -j ACCEPT", notSource,
                [
                    "[ payload load 4b @ network header + 12 => reg 1 ]", "[ cmp neq reg 1 0x0302010a ]",
                    "[ payload load 4b @ network header + 16 => reg 1 ]", "[ bitwise reg 1 = ( reg 1 & 0x80ffffff ) ^ 0x00000000 ]",
                    "[ cmp neq reg 1 0x00030201 ]", counter, "[ immediate reg 0 accept ]",
                ]
            ),
            (
                "-p tcp -m tcp --sport 1000 --dport 80 -j ACCEPT",
                IPTablesRule(proto: 6, matches: [.ports(.tcp, source: .init(1000), destination: .init(80))], target: .jump("ACCEPT")),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]",
                    "[ payload load 4b @ transport header + 0 => reg 1 ]", "[ cmp eq reg 1 0x5000e803 ]", counter,
                    "[ immediate reg 0 accept ]",
                ]
            ),
            (
                "-p udp -m udp --dport 1000:2000 -j ACCEPT",
                IPTablesRule(proto: 17, matches: [.ports(.udp, source: nil, destination: .init(1000, 2000))], target: .jump("ACCEPT")),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000011 ]",
                    "[ payload load 2b @ transport header + 2 => reg 1 ]", "[ range eq reg 1 0x0000e803 0x0000d007 ]", counter,
                    "[ immediate reg 0 accept ]",
                ]
            ),
            (
                "-p udp -m udp --sport 0:100 -j ACCEPT",
                IPTablesRule(proto: 17, matches: [.ports(.udp, source: .init(0, 100), destination: nil)], target: .jump("ACCEPT")),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000011 ]",
                    "[ payload load 2b @ transport header + 0 => reg 1 ]", "[ cmp lte reg 1 0x00006400 ]", counter,
                    "[ immediate reg 0 accept ]",
                ]
            ),
            (
                "-p tcp -m tcp -j ACCEPT",
                IPTablesRule(proto: 6, matches: [.ports(.tcp, source: nil, destination: nil)], target: .jump("ACCEPT")),
                [
                    "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]", "[ match name tcp rev 0 ]", counter,
                    "[ immediate reg 0 accept ]",
                ]
            ),
            (
                "! -f -j RETURN", notFragment,
                [
                    "[ payload load 2b @ network header + 6 => reg 1 ]", "[ bitwise reg 1 = ( reg 1 & 0x0000ff1f ) ^ 0x00000000 ]",
                    "[ cmp eq reg 1 0x00000000 ]", counter, "[ immediate reg 0 return ]",
                ]
            ),
            (
                "! -i + -j ACCEPT", notAnyInterface,
                ["[ meta load iifname => reg 1 ]", "[ cmp eq reg 1 0x41564e49 0x00442f4c ]", counter, "[ immediate reg 0 accept ]"]
            ),
            (
                "-m mark --mark 0x101 -j ACCEPT",
                IPTablesRule(matches: [.mark(value: 0x101, mask: 0xffff_ffff, negated: false)], target: .jump("ACCEPT")),
                ["[ meta load mark => reg 1 ]", "[ cmp eq reg 1 0x00000101 ]", counter, "[ immediate reg 0 accept ]"]
            ),
        ]
    }

    func testEncodeWritesWhatIptablesNftWrites() throws {
        for (spec, rule, expected) in cases {
            XCTAssertEqual(rule.specification, spec)
            XCTAssertEqual(try NFTRuleCodec.encode(rule).map(\.description), expected, spec)
        }
    }

    func testDecodeReadsWhatIptablesNftReads() throws {
        for (spec, rule, _) in cases {
            let decoded = NFTRuleCodec.decode(try NFTRuleCodec.encode(rule))
            XCTAssertEqual(decoded, rule, spec)
            XCTAssertEqual(decoded.specification, spec)
        }
    }

    /// Compat matches and targets carry exactly the payload a legacy entry carries after its header.
    func testCompatPayloadsAreTheLegacyPayloads() throws {
        for (spec, rule, _) in cases {
            let expressions = try NFTRuleCodec.encode(rule)
            let legacy = RuleCodec.decode(entryBytes: RuleCodec.encode(rule), targetName: "")
            var compat: [IPTablesRule.Match] = []
            for case let .match(name, revision, info) in expressions {
                XCTAssertEqual(info.count % 8, 0, "XT_ALIGNed payload: \(spec)")
                compat.append(RuleCodec.decodeMatch(XTExtension(name: name, revision: UInt8(revision), payload: info)))
            }
            XCTAssertTrue(compat.allSatisfy(legacy.matches.contains), spec)
            if case let .target(name, revision, info)? = expressions.last {
                XCTAssertEqual(RuleCodec.decodeTarget(XTExtension(name: name, revision: UInt8(revision), payload: info)), rule.target, spec)
            }
        }
        let comment = try NFTRuleCodec.encode(IPTablesRule(matches: [.comment("x")], target: .none))
        guard case let .match("comment", 0, info) = comment[0] else { return XCTFail("\(comment)") }
        XCTAssertEqual(info.count, 256)
        XCTAssertEqual(info[0], UInt8(ascii: "x"))
    }

    /// What iptables-nft prints for comparisons it cannot write back the same way.
    func testDecodeNarrowsPortsAsIptablesNft() {
        let prefix: [NFTExpression] = [
            .meta(key: 16, register: 1), .cmp(.eq, register: 1, data: [17]),
            .payload(base: 2, offset: 0, length: 2, register: 1),
        ]
        let notLow = NFTRuleCodec.decode(
            prefix + [.cmp(.gt, register: 1, data: [0, 100]), .counter(packets: 3, bytes: 4), .verdict(.accept)])
        XCTAssertEqual(notLow.specification, "-p udp -m udp --sport 101:65535 -j ACCEPT")
        // `-i +` is a bare interface-name load, which iptables-nft reads as no -i.
        XCTAssertEqual(NFTRuleCodec.decode([.meta(key: 6, register: 1), .counter(packets: 0, bytes: 0)]).specification, "")
        // nft's `comment "..."` (rule userdata) reads as a last -m comment.
        XCTAssertEqual(
            NFTRuleCodec.decode([.verdict(.drop)], comment: "from nft").specification, "-m comment --comment \"from nft\" -j DROP")
    }

    /// A rule nft wrote with expressions iptables has no words for is kept, visibly, and never rewritten.
    func testUnmappedExpressionsAreShownNotDropped() {
        let expressions: [NFTExpression] = [
            .meta(key: 16, register: 1), .cmp(.eq, register: 1, data: [6]),
            .meta(key: 10, register: 1), .cmp(.eq, register: 1, data: [0xe8, 0x03, 0, 0]),
            .other(name: "lookup", attributes: "reg 1 set __set0 "),
            .counter(packets: 0, bytes: 0), .verdict(.accept),
        ]
        let rule = NFTRuleCodec.decode(expressions)
        XCTAssertEqual(
            rule.specification,
            "-p tcp [unsupported nft expressions: [ meta load skuid => reg 1 ] [ cmp eq reg 1 0x000003e8 ] [ lookup reg 1 set __set0 ]] -j ACCEPT"
        )
        XCTAssertThrowsError(try NFTRuleCodec.encode(rule)) { error in
            XCTAssertEqual((error as? KernelError)?.errno, EINVAL)
        }
    }

    /// A mask that is no prefix reads as iptables-nft prints it (dotted) and writes back the same expressions.
    func testNonPrefixMaskPrintsDotted() throws {
        let expressions: [NFTExpression] = [
            .payload(base: 1, offset: 12, length: 4, register: 1),
            .bitwise(source: 1, destination: 1, mask: [0xff, 0, 0xff, 0], xor: [0, 0, 0, 0]),
            .cmp(.eq, register: 1, data: [10, 0, 1, 0]),
            .counter(packets: 0, bytes: 0), .verdict(.accept),
        ]
        let rule = NFTRuleCodec.decode(expressions)
        XCTAssertEqual(rule.specification, "-s 10.0.1.0/255.0.255.0 -j ACCEPT")
        XCTAssertEqual(try NFTRuleCodec.encode(rule), expressions)
    }

    /// Native expressions iptables-nft reads back as x_tables extensions: log as NFLOG, limit, nftrace as TRACE.
    func testNativeExpressionsReadAsIptablesNftReadsThem() {
        let log = NFTExpression.translated(
            name: "log", attributes: "group 2 snaplen 0 qthreshold 0 ",
            RuleCodec.nflog(group: 2, threshold: 0, snaplen: nil, prefix: "x: "), target: true)
        let limit = NFTExpression.limit(.init(rate: 5, unit: 60, burst: 5, type: 0, flags: 0))
        XCTAssertEqual(limit.description, "[ limit rate 5/minute burst 5 type packets flags 0x0 ]")
        // Spelled by libxtables' plugins as the nft reader spells what it does not decode.
        var logged = NFTRuleCodec.decode([limit, .counter(packets: 0, bytes: 0), log])
        XtablesPrinter.spell(&logged)
        XCTAssertEqual(logged.specification, "-m limit --limit 5/min -j NFLOG --nflog-prefix \"x: \" --nflog-group 2")
        var trace = NFTRuleCodec.decode([
            .counter(packets: 0, bytes: 0), .immediate(register: 9, data: [1, 0, 0, 0]), .metaSet(key: 12, register: 9),
        ])
        XtablesPrinter.spell(&trace)
        XCTAssertEqual(trace.specification, "-j TRACE")
        XCTAssertEqual(NFTExpression.metaSet(key: 12, register: 9).description, "[ meta set nftrace with reg 9 ]")
        // Clearing nftrace is no TRACE: shown as it is.
        let cleared = NFTRuleCodec.decode([.immediate(register: 9, data: [0, 0, 0, 0]), .metaSet(key: 12, register: 9)])
        XCTAssertEqual(
            cleared.specification, "[unsupported nft expressions: [ immediate reg 9 0x00000000 ] [ meta set nftrace with reg 9 ]]")
    }

    func testDataWordsPrintAsLibnftnl() {
        XCTAssertEqual(NFTExpression.words(Array("eth0".utf8) + [0]), "0x30687465 0x00000000 ")
        XCTAssertEqual(NFTExpression.words([0x0a]), "0x0000000a ")
        XCTAssertEqual(NFTExpression.counter(packets: 12, bytes: 3400).description, "[ counter pkts 12 bytes 3400 ]")
    }
}
