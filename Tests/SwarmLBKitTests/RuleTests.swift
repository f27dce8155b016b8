import CIPTC
import XCTest

@testable import SwarmLBKit

/// The rules of ../shared/design/swarm-lb.md, spelled as `iptables -S` prints them,
/// and encoded to ipt_entry bytes and decoded back unchanged.
final class RuleTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }
    let net = { (s: String) in try! IPv4Subnet(parsing: s) }

    var dockerRules: [(String, IPTablesRule)] {
        [
            (
                "-d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                MarkRule(chain: "OUTPUT", selector: .vip(a("10.0.0.2")), mark: FirewallMark(0x101)).rule
            ),
            (
                "-p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff",
                MarkRule(chain: "PREROUTING", selector: .port(TransportPort(.tcp, 8080)), mark: FirewallMark(0x10f)).rule
            ),
            (
                "-d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                SNATRule(subnet: net("10.0.0.0/24"), source: a("10.0.0.5")).rule
            ),
            (
                "-d 127.0.0.11/32 -j DOCKER_OUTPUT",
                IPTablesRule(destination: net("127.0.0.11/32"), target: .jump("DOCKER_OUTPUT"))
            ),
            (
                "-d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:38534",
                IPTablesRule(
                    destination: net("127.0.0.11/32"), proto: 6, matches: [.ports(.tcp, source: nil, destination: .init(53))],
                    target: .dnat(.init(address: a("127.0.0.11"), port: 38534)))
            ),
            (
                "-s 127.0.0.11/32 -p udp -m udp --sport 39353 -j SNAT --to-source :53",
                IPTablesRule(
                    source: net("127.0.0.11/32"), proto: 17, matches: [.ports(.udp, source: .init(39353), destination: nil)],
                    target: .snat(.init(address: nil, port: 53)))
            ),
            (
                "-m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
                IPTablesRule(matches: [.addrtype(source: [], destination: .local)], target: .jump("DOCKER-INGRESS"))
            ),
            (
                "-o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE",
                IPTablesRule(
                    outInterface: "docker_gwbridge", matches: [.addrtype(source: .local, destination: [])], target: .masquerade(.init()))
            ),
            ("-j RETURN", IPTablesRule(target: .jump("RETURN"))),
            (
                "-i veth+ -p udp -m udp --dport 100:200 -j ACCEPT",
                IPTablesRule(
                    inInterface: "veth+", proto: 17, matches: [.ports(.udp, source: nil, destination: .init(100, 200))],
                    target: .jump("ACCEPT"))
            ),
        ]
    }

    func testSpecificationsMatchIptablesS() {
        for (expected, rule) in dockerRules { XCTAssertEqual(rule.specification, expected) }
    }

    func testEncodeDecodeRoundTrip() {
        for (text, rule) in dockerRules {
            let bytes = RuleCodec.encode(rule)
            let decoded = RuleCodec.decode(entryBytes: asLibiptcReturnsIt(bytes, rule.target), targetName: jumpName(rule.target))
            XCTAssertEqual(decoded, rule, text)
            XCTAssertEqual(bytes.count % 8, 0, "entries are 8-byte aligned: \(text)")
        }
    }

    /// The misprints iptables 1.8.9's own tests found: each now reads as iptables prints it.
    func testRulesOnceMisprintedReadAsIptablesPrintsThem() {
        func roundTrip(_ rule: IPTablesRule) -> IPTablesRule {
            RuleCodec.decode(entryBytes: asLibiptcReturnsIt(RuleCodec.encode(rule), rule.target), targetName: jumpName(rule.target))
        }
        // A mask that is no prefix: kept and printed dotted, not widened to a prefix.
        var masked = IPTablesRule(source: IPv4Subnet(IPv4Address(0x0a00_0c00), prefixLength: 32), target: .jump("ACCEPT"))
        masked.sourceMask = 0xff00_ff00
        XCTAssertEqual(roundTrip(masked), masked)
        XCTAssertEqual(roundTrip(masked).specification, "-s 10.0.12.0/255.0.255.0 -j ACCEPT")
        // UNTRACKED is conntrack's bit 8 for --state as for --ctstate; no state prints no trailing space.
        let untracked = IPTablesRule(matches: [.state([.invalid, .init(rawValue: 1 << 8)], negated: false)], target: .jump("DROP"))
        XCTAssertEqual(roundTrip(untracked).specification, "-m state --state INVALID,UNTRACKED -j DROP")
        XCTAssertEqual(IPTablesRule(matches: [.state([], negated: false)], target: .none).specification, "-m state --state")
        // A NAT range with a port offset (/BASE) is no range swarmlb models: libxtables' DNAT prints it whole.
        var dnat = RuleCodec.xtExtension(IPTablesRule.Target.dnat(.init(addresses: nil, ports: 1000...2000)))!
        dnat.payload.withUnsafeMutableBytes { raw in
            let range = raw.baseAddress!.assumingMemoryBound(to: nf_nat_range2.self)
            range.pointee.flags |= UInt32(NF_NAT_RANGE_PROTO_OFFSET | NF_NAT_RANGE_MAP_IPS)
            range.pointee.min_addr.ip = IPv4Address(0x0101_0101).networkOrder
            range.pointee.max_addr.ip = IPv4Address(0x0101_0101).networkOrder
            range.pointee.base_proto.all = UInt16(1000).bigEndian
        }
        let read = RuleCodec.decodeTarget(dnat)
        guard case .opaque = read else { return XCTFail("a /BASE range decoded as \(read)") }
        var rule = IPTablesRule(proto: 6, target: read)
        XtablesPrinter.spell(&rule)  // as the readers spell what they do not decode
        XCTAssertEqual(rule.specification, "-p tcp -j DNAT --to-destination 1.1.1.1:1000-2000/1000")
    }

    /// The padding of the C structs is zero, as iptables writes it: `iptables -C` and the kernel
    /// compare it (a udp rule after a tcp one once carried a stray byte and `-C` missed it).
    func testPaddingIsZero() {
        let udp = RuleCodec.xtExtension(IPTablesRule.Match.ports(.udp, source: .init(5353), destination: nil, tcpFlags: nil)).payload
        XCTAssertEqual(udp, [0xe9, 0x14, 0xe9, 0x14, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0])
        let mark = RuleCodec.xtExtension(IPTablesRule.Match.mark(value: 0x101, mask: 0xffff_ffff, negated: false)).payload
        XCTAssertEqual(mark, [0x01, 0x01, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    /// libiptc stores verdicts and jumps as standard targets, whose record name is empty,
    /// and reports the verdict or chain through iptc_get_target.
    func asLibiptcReturnsIt(_ bytes: [UInt8], _ target: IPTablesRule.Target) -> [UInt8] {
        guard case .jump = target else { return bytes }
        var b = bytes
        let targetOffset = Int(b[88]) | Int(b[89]) << 8  // ipt_entry.target_offset (after ipt_ip and nfcache)
        for i in 0..<29 { b[targetOffset + 2 + i] = 0 }
        return b
    }

    /// What libiptc reports as the target name of a standard-target entry.
    func jumpName(_ t: IPTablesRule.Target) -> String {
        if case .jump(let c) = t { return c }
        return ""
    }

    func testRecognisesSwarmRulesAndIgnoresOthers() {
        let mark = MarkRule(chain: "OUTPUT", selector: .vip(a("10.0.0.2")), mark: FirewallMark(257))
        XCTAssertEqual(MarkRule(chain: "OUTPUT", rule: mark.rule), mark)
        var partialMask = mark.rule
        partialMask.target = .mark(value: 0x101, mask: 0xff)
        XCTAssertNil(MarkRule(chain: "OUTPUT", rule: partialMask))
        let snat = SNATRule(subnet: net("10.0.0.0/24"), source: a("10.0.0.5"))
        XCTAssertEqual(SNATRule(rule: snat.rule), snat)
        XCTAssertNil(SNATRule(rule: IPTablesRule(destination: net("10.0.0.0/24"), target: .snat(.init(address: a("10.0.0.5"))))))
    }

    func testChangesSpellTheClassicCommands() {
        let key = IPVSService.Key.fwmark(FirewallMark(257))
        XCTAssertEqual(KernelChange.addService(IPVSService(key: key)).command(iptables: "iptables-nft"), "ipvsadm -A -f 257 -s rr")
        XCTAssertEqual(
            KernelChange.updateService(IPVSService(key: key, scheduler: .wrr, persistence: 300)).command(iptables: "iptables-nft"),
            "ipvsadm -E -f 257 -s wrr -p 300")
        XCTAssertEqual(
            KernelChange.addReal(key, RealServer(address: a("10.0.0.3"))).command(iptables: "iptables-nft"),
            "ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1")
        XCTAssertEqual(
            KernelChange.deleteReal(key, RealServer(address: a("10.0.0.3"))).command(iptables: "iptables-nft"),
            "ipvsadm -d -f 257 -r 10.0.0.3:0")
        XCTAssertEqual(KernelChange.setSysctl(.ipvsConntrack, "1").command(iptables: "iptables-nft"), "sysctl -w net.ipv4.vs.conntrack=1")
        XCTAssertEqual(
            KernelChange.addAddress(InterfaceAddress(address: a("10.0.0.2"), device: "eth0")).command(iptables: "iptables-nft"),
            "ip addr add 10.0.0.2/32 dev eth0")
    }
}
