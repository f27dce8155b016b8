/// How `iptables -S` spells a rule, its matches and its target: the printers' and the printed
/// commands' text, kept out of the rule values themselves.
extension IPTablesRule {
    /// The rule as `iptables -S` prints it after `-A CHAIN`.
    public var specification: String {
        var out = TextBuffer(capacity: 128)
        write(to: &out)
        return out.withBytes { $0.isEmpty ? "" : String(decoding: $0.dropFirst(), as: UTF8.self) }
    }

    /// Appends the rule's words to `out`, each with its leading space (a listing writes one buffer).
    func write(to out: inout TextBuffer) {
        func option(_ field: Negations, _ text: StaticString) {
            let separator: StaticString = negated.contains(field) ? " ! " : " "
            out.write(separator)
            out.write(text)
        }
        if let s = source {
            option(.source, "-s ")
            Self.write(s, sourceMask, to: &out)
        }
        if let d = destination {
            option(.destination, "-d ")
            Self.write(d, destinationMask, to: &out)
        }
        if let i = inInterface {
            option(.inInterface, "-i ")
            out.write(i)
        }
        if let o = outInterface {
            option(.outInterface, "-o ")
            out.write(o)
        }
        if let p = proto {
            option(.proto, "-p ")
            ProtocolName.write(p, to: &out)
        }
        if fragment { option(.fragment, "-f") }
        for m in matches {
            // An extension swarmlb does not decode: the text its libxtables plugin printed when it was read.
            if case let .opaque(x) = m, x.isPrinted {
                x.withText { out.write($0!) }
            } else {
                out.write(UInt8(ascii: " "))
                m.write(to: &out)
            }
        }
        switch target {
        case let .opaque(x) where x.isPrinted:
            x.withText { out.write($0!) }
        case let .mark(value, mask):
            let word: StaticString = goto ? " -g MARK --set-xmark 0x" : " -j MARK --set-xmark 0x"
            out.write(word)
            out.write(hex: value)
            out.write("/0x" as StaticString)
            out.write(hex: mask)
        case .jump(let chain):
            let word: StaticString = goto ? " -g " : " -j "
            out.write(word)
            out.write(chain)
        default:
            guard let t = target.specification else { return }
            out.write(goto ? " -g" + t.dropFirst(2) : " " + t)
        }
    }

    /// `10.0.0.2/32`, or the dotted mask when it is no prefix.
    private static func write(_ subnet: IPv4Subnet, _ mask: UInt32?, to out: inout TextBuffer) {
        out.write(subnet.network)
        out.write(UInt8(ascii: "/"))
        if let mask { out.write(IPv4Address(mask)) } else { out.write(UInt64(subnet.prefixLength)) }
    }
}

extension IPTablesRule.Match {
    var specification: String {
        var out = TextBuffer(capacity: 64)
        write(to: &out)
        return out.text
    }

    /// The match's words (`-m NAME ...`), the common ones written byte by byte.
    func write(to out: inout TextBuffer) {
        switch self {
        case let .ports(proto, source, destination, tcpFlags):
            out.write("-m ")
            out.write(proto.rawValue)
            if let r = source {
                out.write(r.negated ? " ! --sport " : " --sport ")
                r.write(to: &out)
            }
            if let r = destination {
                out.write(r.negated ? " ! --dport " : " --dport ")
                r.write(to: &out)
            }
            if let f = tcpFlags {
                out.write(f.negated ? " ! --tcp-flags " : " --tcp-flags ")
                out.write(IPTablesRule.TCPFlags.names(f.mask))
                out.write(UInt8(ascii: " "))
                out.write(IPTablesRule.TCPFlags.names(f.compare))
            }
        case let .mark(value, mask, negated):
            out.write(negated ? "-m mark ! --mark 0x" : "-m mark --mark 0x")
            out.write(hex: value)
            if mask != 0xffff_ffff {
                out.write("/0x")
                out.write(hex: mask)
            }
        case let .conntrackState(states, negated):
            out.write("-m conntrack" + (negated ? " !" : "") + " --ctstate" + states.text)
        case let .state(states, negated):
            out.write("-m state" + (negated ? " !" : "") + " --state" + states.text)
        case .comment(let text):
            out.write("-m comment --comment" + quotedForSave(text))
        case .ipvs(let m):
            out.write("-m ipvs" + m.specification)
        case let .addrtype(source, destination):
            out.write("-m addrtype")
            if !source.isEmpty { out.write(" --src-type \(source.text)") }
            if !destination.isEmpty { out.write(" --dst-type \(destination.text)") }
        case let .opaque(x):
            out.write("-m \(x.name) [undecoded revision \(x.revision): \(x.data.hexString)]")
        case .unmapped(let expressions):
            out.write("[unsupported nft expressions: \(expressions)]")
        }
    }
}

extension IPVSMatch {
    /// libxt_ipvs's save: `[!] --ipvs` only when nothing else is examined; the protocol as a number,
    /// the address numeric with its mask as xtables_ipmask_to_numeric prints it.
    var specification: String {
        func option(_ p: Properties, _ text: String) -> String { (negated.contains(p) ? " ! " : " ") + text }
        if given == .ipvs { return option(.ipvs, "--ipvs") }
        var s = ""
        if given.contains(.proto) { s += option(.proto, "--vproto \(proto)") }
        if given.contains(.address) { s += option(.address, "--vaddr \(address)\(Self.maskText(mask))") }
        if given.contains(.port) { s += option(.port, "--vport \(port)") }
        if given.contains(.direction) { s += " --vdir " + (negated.contains(.direction) ? "REPLY" : "ORIGINAL") }
        if given.contains(.method) { s += option(.method, "--vmethod \(method.name)") }
        if given.contains(.controlPort) { s += option(.controlPort, "--vportctl \(controlPort)") }
        return s
    }

    /// Nothing for /32, `/N` for a prefix, else the dotted mask.
    static func maskText(_ mask: UInt32) -> String {
        if mask == 0xffff_ffff { return "" }
        let ones = (~mask).leadingZeroBitCount
        return mask == IPv4Subnet.mask(ones) ? "/\(ones)" : "/\(IPv4Address(mask))"
    }
}

extension IPVSMatch.Method {
    /// libxt_ipvs's name: GATE (direct routing), IPIP (tunnel) or MASQ.
    public var name: String {
        switch self {
        case .masq: "MASQ"
        case .ipip: "IPIP"
        case .gate: "GATE"
        }
    }
}

extension IPTablesRule.Target {
    var specification: String? {
        switch self {
        case let .mark(value, mask):
            return "-j MARK --set-xmark 0x\(String(value, radix: 16))/0x\(String(mask, radix: 16))"
        case .snat(let r): return "-j SNAT --to-source \(r.text)\(r.flags)"
        case .dnat(let r): return "-j DNAT --to-destination \(r.text)\(r.flags)"
        case .masquerade(let r): return "-j MASQUERADE" + r.toPorts + r.flags
        case .redirect(let r): return "-j REDIRECT" + r.toPorts + r.flags
        case .jump(let chain): return "-j \(chain)"
        case .none: return nil
        case let .opaque(x): return "-j \(x.name) [undecoded revision \(x.revision): \(x.data.hexString)]"
        }
    }
}

extension IPTablesRule.PortRange {
    /// `80` or `1000:2000`.
    func write(to out: inout TextBuffer) {
        out.write(UInt64(low))
        if low != high {
            out.write(UInt8(ascii: ":"))
            out.write(UInt64(high))
        }
    }
}

extension IPTablesRule.TCPFlags {
    /// iptables' print_tcpf: names in FIN, SYN, RST, PSH, ACK, URG order; NONE for none.
    static func names(_ flags: UInt8) -> String {
        let table: [(UInt8, String)] = [(0x01, "FIN"), (0x02, "SYN"), (0x04, "RST"), (0x08, "PSH"), (0x10, "ACK"), (0x20, "URG")]
        let set = table.filter { flags & $0.0 != 0 }.map(\.1)
        return set.isEmpty ? "NONE" : set.joined(separator: ",")
    }
}

extension IPTablesRule.ConntrackStates {
    /// libxt_conntrack's print_state, for --ctstate and its --state alias alike (both are conntrack
    /// revision 3 bits): a space then the names in its order, nothing for no state.
    var text: String {
        let names: [(UInt32, String)] = [
            (1 << 0, "INVALID"), (1 << 3, "NEW"), (1 << 2, "RELATED"), (1 << 1, "ESTABLISHED"),
            (1 << 8, "UNTRACKED"), (1 << 6, "SNAT"), (1 << 7, "DNAT"),
        ]
        let set = names.filter { rawValue & $0.0 != 0 }.map(\.1)
        return set.isEmpty ? "" : " " + set.joined(separator: ",")
    }
}

extension IPTablesRule.NATRange {
    /// iptables' spelling: `10.0.0.5`, `127.0.0.11:38534`, `:53`, `1.2.3.4-1.2.3.9:100-200`.
    var text: String {
        var s = ""
        if let a = addresses { s += a.lowerBound == a.upperBound ? "\(a.lowerBound)" : "\(a.lowerBound)-\(a.upperBound)" }
        if let p = ports { s += p.lowerBound == p.upperBound ? ":\(p.lowerBound)" : ":\(p.lowerBound)-\(p.upperBound)" }
        return s
    }
    /// MASQUERADE's and REDIRECT's ` --to-ports A[-B]`, or nothing.
    var toPorts: String {
        guard let p = ports else { return "" }
        return p.lowerBound == p.upperBound ? " --to-ports \(p.lowerBound)" : " --to-ports \(p.lowerBound)-\(p.upperBound)"
    }
    var flags: String {
        (random ? " --random" : "") + (randomFully ? " --random-fully" : "") + (persistent ? " --persistent" : "")
    }
}

extension IPTablesRule.AddressTypes {
    /// iptables' names of the XT_ADDRTYPE_* bits, in bit order.
    static let names = [
        "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE",
        "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
    ]
    var text: String {
        Self.names.enumerated().filter { rawValue & (1 << $0.offset) != 0 }.map(\.element).joined(separator: ",")
    }
}

/// iptables' xtables_save_string: bare when only [A-Za-z0-9_-], else double-quoted with \\ " ' escaped.
func quotedForSave(_ text: String) -> String {
    let bare =
        !text.isEmpty
        && text.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "-" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    if bare { return " " + text }
    var out = " \""
    for c in text {
        if c == "\"" || c == "\\" || c == "'" { out.append("\\") }
        out.append(c)
    }
    return out + "\""
}

extension Array where Element == UInt8 {
    var hexString: String { map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined() }
}
