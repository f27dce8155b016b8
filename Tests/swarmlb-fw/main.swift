import Glibc
import SwarmLBKit

// swarmlb-fw: the firewall backends driven with iptables-style arguments, for the parity tests
// (Tests/integration/nft-parity.sh) and `make bench` (scripts/bench-firewall). Not an operator's
// tool: it takes a subset of iptables' syntax and writes through FirewallBackend exactly as
// swarmlb's commands do.
//   swarmlb-fw BACKEND [-t T] -A|-D CHAIN RULE... | -I CHAIN [N] RULE... | -N CHAIN | -X CHAIN   one commit
//   swarmlb-fw BACKEND --batch < lines      each line as above; one commit per table (first-appearance order)
//   swarmlb-fw BACKEND --each < lines       each line as above, one commit each, in one process
//   swarmlb-fw BACKEND [-t T] -S | --save | --tables
//   swarmlb-fw BACKEND --marks N            N VIP mark rules into mangle INPUT in one commit (the benchmark)
// BACKEND is legacy or nft; when left out, $SWARMLB_BACKEND says which.
struct Failure: Error { let text: String }

func subnet(_ s: String) throws -> IPv4Subnet { try IPv4Subnet(parsing: s) }

func proto(_ s: String) throws -> UInt16 {
    switch s {
    case "tcp": return 6;
    case "udp": return 17;
    case "gre": return 47;
    case "icmp": return 1;
    case "sctp": return 132
    default: guard let n = UInt16(s) else { throw Failure(text: "proto \(s)") }; return n
    }
}

func states(_ s: String) -> IPTablesRule.ConntrackStates {
    var r: UInt32 = 0
    for n in s.split(separator: ",") {
        switch n {
        case "INVALID": r |= 1;
        case "ESTABLISHED": r |= 2;
        case "RELATED": r |= 4;
        case "NEW": r |= 8
        case "UNTRACKED": r |= 256;
        case "SNAT": r |= 64;
        case "DNAT": r |= 128;
        default: break
        }
    }
    return .init(rawValue: r)
}

func tcpFlags(_ s: String) -> UInt8 {
    var r: UInt8 = 0
    for n in s.split(separator: ",") {
        switch n {
        case "FIN": r |= 1;
        case "SYN": r |= 2;
        case "RST": r |= 4;
        case "PSH": r |= 8;
        case "ACK": r |= 16;
        case "URG": r |= 32
        case "ALL": r |= 63;
        default: break
        }
    }
    return r
}

func number(_ s: String) -> UInt32 { s.hasPrefix("0x") ? UInt32(s.dropFirst(2), radix: 16)! : UInt32(s)! }

func portRange(_ s: String, negated: Bool) -> IPTablesRule.PortRange {
    let p = s.split(separator: ":", omittingEmptySubsequences: false)
    return .init(UInt16(p[0]) ?? 0, p.count > 1 ? (UInt16(p[1]) ?? 65535) : nil, negated: negated)
}

func natRange(_ s: String) throws -> IPTablesRule.NATRange {
    var r = IPTablesRule.NATRange()
    let parts = s.split(separator: ":", omittingEmptySubsequences: false)
    if !parts[0].isEmpty {
        let a = parts[0].split(separator: "-")
        r.addresses = try IPv4Address(parsing: String(a[0]))...IPv4Address(parsing: String(a.count > 1 ? a[1] : a[0]))
    }
    if parts.count > 1 {
        let p = parts[1].split(separator: "-")
        r.ports = UInt16(p[0])!...UInt16(p.count > 1 ? p[1] : p[0])!
    }
    return r
}

func parseRule(_ t: [String]) throws -> IPTablesRule {
    var rule = IPTablesRule(target: .none)
    var i = 0, neg = false
    func next() throws -> String { i += 1; guard i < t.count else { throw Failure(text: "missing argument") }; return t[i] }
    func portsMatch(_ change: (inout IPTablesRule.PortRange?, inout IPTablesRule.PortRange?, inout IPTablesRule.TCPFlags?) -> Void) {
        let p: TransportPort.Proto = rule.proto == 17 ? .udp : rule.proto == 132 ? .sctp : .tcp
        let idx = rule.matches.lastIndex { if case .ports = $0 { true } else { false } }
        var s: IPTablesRule.PortRange?, d: IPTablesRule.PortRange?, f: IPTablesRule.TCPFlags?
        if let idx, case let .ports(_, s0, d0, f0) = rule.matches[idx] { s = s0; d = d0; f = f0 }
        change(&s, &d, &f)
        if let idx {
            rule.matches[idx] = .ports(p, source: s, destination: d, tcpFlags: f)
        } else {
            rule.matches.append(.ports(p, source: s, destination: d, tcpFlags: f))
        }
    }
    var nat: IPTablesRule.NATRange?
    var targetName: String?
    while i < t.count {
        let a = t[i]
        switch a {
        case "!": neg = true; i += 1; continue
        case "-s": rule.source = try subnet(try next()); if neg { rule.negated.insert(.source) }
        case "-d": rule.destination = try subnet(try next()); if neg { rule.negated.insert(.destination) }
        case "-i": rule.inInterface = try next(); if neg { rule.negated.insert(.inInterface) }
        case "-o": rule.outInterface = try next(); if neg { rule.negated.insert(.outInterface) }
        case "-p": rule.proto = try proto(try next()); if neg { rule.negated.insert(.proto) }
        case "-f": rule.fragment = true; if neg { rule.negated.insert(.fragment) }
        case "-m":
            let m = try next()
            if m == "tcp" || m == "udp" { portsMatch { _, _, _ in } }
            if m == "ipvs" {}
        case "--sport": let v = try next(); portsMatch { s, _, _ in s = portRange(v, negated: neg) }
        case "--dport": let v = try next(); portsMatch { _, d, _ in d = portRange(v, negated: neg) }
        case "--tcp-flags":
            let m = try next(), c = try next(); portsMatch { _, _, f in f = .init(mask: tcpFlags(m), compare: tcpFlags(c), negated: neg) }
        case "--mark":
            let v = try next().split(separator: "/")
            rule.matches.append(.mark(value: number(String(v[0])), mask: v.count > 1 ? number(String(v[1])) : 0xffff_ffff, negated: neg))
        case "--ctstate": rule.matches.append(.conntrackState(states(try next()), negated: neg))
        case "--state": rule.matches.append(.state(states(try next()), negated: neg))
        case "--comment": rule.matches.append(.comment(try next()))
        case "--ipvs", "--vproto", "--vaddr", "--vport", "--vdir", "--vmethod", "--vportctl":
            // As libxt_ipvs parses them: the value, the property's bit (and its negation), --ipvs implied.
            let idx = rule.matches.lastIndex { if case .ipvs = $0 { true } else { false } }
            var m = IPVSMatch()
            if let idx, case .ipvs(let m0) = rule.matches[idx] { m = m0 }
            let property: IPVSMatch.Properties
            switch a {
            case "--vproto": property = .proto; m.proto = UInt8(try proto(try next()))
            case "--vaddr":
                property = .address
                let v = try next().split(separator: "/")
                m.address = try IPv4Address(parsing: String(v[0]))
                m.mask = IPv4Subnet.mask(v.count > 1 ? Int(v[1]) ?? 32 : 32)
            case "--vport": property = .port; m.port = UInt16(try next()) ?? 0
            case "--vdir": property = .direction; neg = try next() == "REPLY"
            case "--vmethod":
                property = .method
                m.method =
                    switch try next() {
                    case "GATE": .gate;
                    case "IPIP": .ipip;
                    default: .masq
                    }
            case "--vportctl": property = .controlPort; m.controlPort = UInt16(try next()) ?? 0
            default: property = .ipvs
            }
            m.require(property, negated: neg)
            if let idx { rule.matches[idx] = .ipvs(m) } else { rule.matches.append(.ipvs(m)) }
        case "--src-type", "--dst-type":
            let types = IPTablesRule.AddressTypes(rawValue: try next() == "LOCAL" ? 4 : 0)
            if a == "--src-type" {
                rule.matches.append(.addrtype(source: types, destination: []))
            } else {
                rule.matches.append(.addrtype(source: [], destination: types))
            }
        case "-j", "-g": targetName = try next(); rule.goto = a == "-g"
        case "--set-xmark":
            let v = try next().split(separator: "/")
            rule.target = .mark(value: number(String(v[0])), mask: v.count > 1 ? number(String(v[1])) : 0xffff_ffff)
        case "--set-mark": rule.target = .mark(value: number(try next()), mask: 0xffff_ffff)
        case "--to-destination", "--to-source": nat = try natRange(try next())
        case "--to-ports":
            let p = try next().split(separator: "-")
            var r = nat ?? .init(); r.ports = UInt16(p[0])!...UInt16(p.count > 1 ? p[1] : p[0])!; nat = r
        case "--random": var r = nat ?? .init(); r.random = true; nat = r
        default: throw Failure(text: "unknown option \(a)")
        }
        neg = false
        i += 1
    }
    switch targetName {
    case nil: break
    case "MARK": break
    case "DNAT": rule.target = .dnat(nat ?? .init())
    case "SNAT": rule.target = .snat(nat ?? .init())
    case "MASQUERADE": rule.target = .masquerade(nat ?? .init())
    case "REDIRECT": rule.target = .redirect(nat ?? .init())
    case let name?: rule.target = .jump(name)
    }
    return rule
}

/// Shell-like words: spaces split, "..." groups with \ escapes.
func words(_ line: String) -> [String] {
    var out: [String] = [], cur = "", inWord = false, quoted = false, escape = false
    for c in line {
        if escape { cur.append(c); escape = false; continue }
        if c == "\\" { escape = true; inWord = true; continue }
        if c == "\"" { quoted.toggle(); inWord = true; continue }
        if c == " " && !quoted { if inWord { out.append(cur); cur = ""; inWord = false }; continue }
        cur.append(c); inWord = true
    }
    if inWord { out.append(cur) }
    return out
}

func edit(_ args: [String]) throws -> (FirewallTable, FirewallEdit) {
    var a = args, table = FirewallTable.filter
    if a.first == "-t" { table = try FirewallTable(parsing: a[1]); a.removeFirst(2) }
    guard a.count >= 2 else { throw Failure(text: "usage") }
    let chain = a[1]
    switch a[0] {
    case "-A": return (table, .append(chain: chain, try parseRule(Array(a.dropFirst(2)))))
    case "-D": return (table, .delete(chain: chain, try parseRule(Array(a.dropFirst(2)))))
    case "-I":
        if a.count > 2, let n = Int(a[2]) { return (table, .insert(chain: chain, index: n - 1, try parseRule(Array(a.dropFirst(3))))) }
        return (table, .insert(chain: chain, index: 0, try parseRule(Array(a.dropFirst(2)))))
    case "-N": return (table, .createChain(chain))
    case "-X": return (table, .deleteChain(chain))
    default: throw Failure(text: "unknown command \(a[0])")
    }
}

func out(_ s: String) { print(s, terminator: "") }
func err(_ s: String) { _ = s.withCString { write(2, $0, strlen($0)) } }

var args = Array(CommandLine.arguments.dropFirst())
do {
    let named = args.first.flatMap(FirewallBackendKind.init(rawValue:))
    if named != nil { args.removeFirst() }
    guard let kind = named ?? getenv("SWARMLB_BACKEND").flatMap({ FirewallBackendKind(rawValue: String(cString: $0)) }) else {
        throw Failure(text: "usage: swarmlb-fw [legacy|nft] ... (or SWARMLB_BACKEND=legacy|nft)")
    }
    let fw: FirewallBackend = kind == .legacy ? LegacyFirewall(lockWait: nil, notice: err) : try NFTFirewall()
    if args == ["--tables"] {
        out(try fw.existingTables().map { $0.rawValue + "\n" }.joined())
    } else if args == ["--save"] {
        out(IPTablesListing.save(try fw.existingTables().map { t in try fw.listing(t) }, backend: kind))
    } else if args.last == "-S" {
        let table = args.count == 3 ? try FirewallTable(parsing: args[1]) : .filter
        out(IPTablesListing.rules(try fw.listing(table)))
    } else if args.first == "--marks", args.count == 2, let n = Int(args[1]) {
        let edits = (1...n).map { i in
            FirewallEdit.append(
                chain: "INPUT",
                MarkRule(
                    chain: "INPUT", selector: .vip(IPv4Address(0x0a00_0000 + UInt32(i) + 8)),
                    mark: FirewallMark(0x100 + UInt32(i))
                ).rule)
        }
        try fw.commit(.mangle, edits)
    } else if args == ["--each"] {
        while let line = readLine() {
            let w = words(line)
            if w.isEmpty { continue }
            let (t, e) = try edit(w)
            try fw.commit(t, [e])
        }
    } else if args == ["--batch"] {
        var order: [FirewallTable] = [], edits: [FirewallTable: [FirewallEdit]] = [:]
        while let line = readLine() {
            let w = words(line)
            if w.isEmpty { continue }
            let (t, e) = try edit(w)
            if edits[t] == nil { order.append(t) }
            edits[t, default: []].append(e)
        }
        for t in order { try fw.commit(t, edits[t]!) }
    } else {
        let (t, e) = try edit(args)
        try fw.commit(t, [e])
    }
} catch let e as Failure {
    err("swarmlb-fw: \(e.text)\n"); exit(2)
} catch {
    err("swarmlb-fw: \(error)\n"); exit(1)
}
