import Glibc

/// Translates between `IPTablesRule` and the nf_tables expressions iptables-nft 1.8.9 writes for it
/// (`iptables-nft -A`), and back as iptables-nft's parser reads them (`iptables-nft -S`).
/// Pure: no kernel. Matches and targets with no native form travel as compat `match`/`target`
/// expressions carrying the same x_tables payloads legacy entries carry (`RuleCodec`).
enum NFTRuleCodec {
    /// NFT_REG_1, the register iptables-nft loads everything into.
    static let register: UInt32 = 1

    // MARK: encoding

    /// iptables-nft's expressions for `rule`, in its order: interfaces, protocol, source, destination,
    /// fragment, each match, a counter, the verdict or target.
    /// A rule carrying unmapped expressions cannot be written (their bytes were never understood).
    static func encode(_ rule: IPTablesRule) throws(KernelError) -> [NFTExpression] {
        if rule.matches.contains(where: { if case .unmapped = $0 { true } else { false } }) {
            throw .nftables(operation: "write rule", object: rule.specification, errno: EINVAL)
        }
        var out: [NFTExpression] = []
        if let i = rule.inInterface {
            out += interface(i, key: NFTExpression.metaInInterfaceName, negated: rule.negated.contains(.inInterface))
        }
        if let o = rule.outInterface {
            out += interface(o, key: NFTExpression.metaOutInterfaceName, negated: rule.negated.contains(.outInterface))
        }
        if let p = rule.proto {
            out += [
                .meta(key: NFTExpression.metaL4Proto, register: register),
                .cmp(rule.negated.contains(.proto) ? .neq : .eq, register: register, data: [UInt8(truncatingIfNeeded: p)]),
            ]
        }
        if let s = rule.source, s.prefixLength > 0 || s.network.value != 0 || rule.negated.contains(.source) {
            out += address(s, mask: rule.sourceMask, offset: 12, negated: rule.negated.contains(.source))
        }
        if let d = rule.destination, d.prefixLength > 0 || d.network.value != 0 || rule.negated.contains(.destination) {
            out += address(d, mask: rule.destinationMask, offset: 16, negated: rule.negated.contains(.destination))
        }
        if rule.fragment {
            // The 13 fragment offset bits of frag_off: non-zero in every fragment but the first.
            out += [
                .payload(base: NFTExpression.networkHeader, offset: 6, length: 2, register: register),
                .bitwise(source: register, destination: register, mask: [0x1f, 0xff], xor: [0, 0]),
                .cmp(rule.negated.contains(.fragment) ? .eq : .neq, register: register, data: [0, 0]),
            ]
        }
        for m in rule.matches { out += try match(m, proto: rule.proto) }
        // Before the verdict, or nf_tables would never count the packets it takes.
        out.append(.counter(packets: 0, bytes: 0))
        out += target(rule.target, goto: rule.goto)
        return out
    }

    /// The protocol nft_compat hands to x_tables matches' checks (NFTA_RULE_COMPAT), and whether `-p` is negated.
    static func compat(_ rule: IPTablesRule) -> (proto: UInt32, negated: Bool) {
        (UInt32(rule.proto ?? 0), rule.negated.contains(.proto))
    }

    /// `-i eth0` compares the name and its NUL; `-i eth+` only the prefix; `-i +` loads the name and compares nothing.
    private static func interface(_ name: String, key: UInt32, negated: Bool) -> [NFTExpression] {
        let load = NFTExpression.meta(key: key, register: register)
        let bytes = Array(name.utf8)
        guard name.hasSuffix("+") else { return [load, .cmp(negated ? .neq : .eq, register: register, data: bytes + [0])] }
        if bytes.count > 1 { return [load, .cmp(negated ? .neq : .eq, register: register, data: Array(bytes.dropLast()))] }
        // `! -i +` matches no interface: iptables-nft compares with a name no interface can have.
        return negated ? [load, .cmp(.eq, register: register, data: invalidInterface)] : [load]
    }

    private static let invalidInterface = Array("INVAL/D".utf8) + [0]

    /// Whole bytes of a byte-aligned prefix, else all four under a bitwise mask (`explicitMask`, one that is no prefix, too).
    private static func address(_ subnet: IPv4Subnet, mask explicitMask: UInt32?, offset: UInt32, negated: Bool) -> [NFTExpression] {
        let data = withUnsafeBytes(of: subnet.network.networkOrder) { Array($0) }
        let mask = withUnsafeBytes(of: (explicitMask ?? subnet.mask).bigEndian) { Array($0) }
        let op: NFTExpression.Comparison = negated ? .neq : .eq
        guard subnet.prefixLength % 8 != 0 || explicitMask != nil else {
            let length = subnet.prefixLength / 8
            return [
                .payload(base: NFTExpression.networkHeader, offset: offset, length: UInt32(length), register: register),
                .cmp(op, register: register, data: Array(data.prefix(length))),
            ]
        }
        return [
            .payload(base: NFTExpression.networkHeader, offset: offset, length: 4, register: register),
            .bitwise(source: register, destination: register, mask: mask, xor: [0, 0, 0, 0]),
            .cmp(op, register: register, data: data),
        ]
    }

    private static func match(_ m: IPTablesRule.Match, proto: UInt16?) throws(KernelError) -> [NFTExpression] {
        switch m {
        case let .ports(p, source, destination, flags) where p != .sctp:
            let s = source ?? .init(0, 0xffff), d = destination ?? .init(0, 0xffff)
            let flagsNegated = p == .tcp && flags?.negated == true
            let mask = p == .tcp ? flags?.mask ?? 0 : 0
            let allZero = s == .init(0, 0xffff) && d == .init(0, 0xffff) && !flagsNegated && mask == 0 && (flags?.compare ?? 0) == 0
            // A bare `-m tcp` stays a compat match, or it would vanish from the rule.
            if allZero { return [compatMatch(m)] }
            guard proto == p.number else {
                throw .nftables(operation: "write rule", object: "-m \(p.rawValue) requires -p \(p.rawValue)", errno: EINVAL)
            }
            var out: [NFTExpression] = []
            if mask != 0, let f = flags {
                out += [
                    .payload(base: NFTExpression.transportHeader, offset: 13, length: 1, register: register),
                    .bitwise(source: register, destination: register, mask: [f.mask], xor: [0]),
                    .cmp(f.negated ? .neq : .eq, register: register, data: [f.compare]),
                ]
            }
            return out + ports(s, d)
        case let .mark(value, mask, negated):
            var out: [NFTExpression] = [.meta(key: NFTExpression.metaMark, register: register)]
            if mask != 0xffff_ffff {
                out.append(.bitwise(source: register, destination: register, mask: hostBytes(mask), xor: [0, 0, 0, 0]))
            }
            return out + [.cmp(negated ? .neq : .eq, register: register, data: hostBytes(value))]
        default:
            return [compatMatch(m)]
        }
    }

    private static func compatMatch(_ m: IPTablesRule.Match) -> NFTExpression {
        let x = RuleCodec.xtExtension(m)
        return .match(name: x.name, revision: UInt32(x.revision), info: x.payload)
    }

    /// Two single ports negated alike load both at once; otherwise each constrained one on its own.
    private static func ports(_ s: IPTablesRule.PortRange, _ d: IPTablesRule.PortRange) -> [NFTExpression] {
        if s.low != 0, s.low == s.high, d.low != 0, d.low == d.high, s.negated == d.negated {
            return [
                .payload(base: NFTExpression.transportHeader, offset: 0, length: 4, register: register),
                .cmp(s.negated ? .neq : .eq, register: register, data: networkBytes(s.low) + networkBytes(d.low)),
            ]
        }
        var out: [NFTExpression] = []
        for (range, offset) in [(s, UInt32(0)), (d, UInt32(2))] where range.low != 0 || range.high < 0xffff {
            out.append(.payload(base: NFTExpression.transportHeader, offset: offset, length: 2, register: register))
            if range.low == range.high {
                out.append(.cmp(range.negated ? .neq : .eq, register: register, data: networkBytes(range.low)))
            } else if range.low == 0 {
                out.append(.cmp(range.negated ? .gt : .lte, register: register, data: networkBytes(range.high)))
            } else {
                out.append(.range(negated: range.negated, register: register, from: networkBytes(range.low), to: networkBytes(range.high)))
            }
        }
        return out
    }

    private static func target(_ t: IPTablesRule.Target, goto: Bool) -> [NFTExpression] {
        switch t {
        case .none: return []
        case .jump("ACCEPT"): return [.verdict(.accept)]
        case .jump("DROP"): return [.verdict(.drop)]
        case .jump("RETURN"): return [.verdict(.return)]
        case .jump(let chain): return [.verdict(goto ? .goto(chain) : .jump(chain))]
        default:
            guard let x = RuleCodec.xtExtension(t) else { return [] }
            return [.target(name: x.name, revision: UInt32(x.revision), info: x.payload)]
        }
    }

    private static func networkBytes(_ port: UInt16) -> [UInt8] { [UInt8(port >> 8), UInt8(port & 0xff)] }
    /// meta mark is loaded in host byte order, so iptables-nft writes its value and mask that way.
    private static func hostBytes(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    private static func hostValue(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }

    // MARK: decoding

    /// The rule iptables-nft would show for `expressions`; `comment` is the rule's userdata comment
    /// (nft's `comment "..."`), which iptables-nft shows as a last `-m comment`. Expressions that map
    /// to nothing iptables can say are kept, printed, in one `.unmapped` match at the end.
    static func decode(_ expressions: [NFTExpression], comment: String? = nil) -> IPTablesRule {
        var decoder = Decoder()
        for (index, e) in expressions.enumerated() { decoder.take(e, at: index) }
        decoder.finish()
        var rule = decoder.rule
        if let comment { rule.matches.append(.comment(comment)) }
        if !decoder.unmapped.isEmpty {
            rule.matches.append(.unmapped(decoder.unmapped.sorted().map { expressions[$0].description }.joined(separator: " ")))
        }
        return rule
    }

    /// What iptables-nft's parser keeps while walking a rule: the value each register holds.
    private struct Decoder {
        var rule = IPTablesRule(target: .none)
        var unmapped: [Int] = []
        /// Where the tcp/udp match built from native port and flag comparisons sits in `rule.matches`.
        var portsMatch: Int?
        /// The registers holding a loaded value: a handful at most, so a list (no hashing per expression).
        var registers: [(number: UInt32, value: Loaded)] = []
        var hasVerdict = false

        struct Loaded {
            enum Source: Equatable {
                case meta(UInt32)
                case payload(base: UInt32, offset: UInt32, length: UInt32)
                /// An `immediate` constant (iptables-nft's TRACE loads 1 for `meta set nftrace`).
                case constant([UInt8])
            }
            var source: Source
            var mask: [UInt8]?
            /// The expression that loaded this value, and the bitwise that masked it, if any.
            var load: Int
            var bitwise: Int? = nil
            /// The expressions that put this value in the register.
            var indices: [Int] { bitwise.map { [load, $0] } ?? [load] }
        }

        mutating func take(_ e: NFTExpression, at index: Int) {
            switch e {
            case let .meta(key, reg):
                load(reg, Loaded(source: .meta(key), load: index))
            case let .payload(base, offset, length, reg):
                load(reg, Loaded(source: .payload(base: base, offset: offset, length: length), load: index))
            case let .bitwise(source, destination, mask, xor):
                let loaded = take(register: source)
                guard var value = loaded, value.mask == nil, xor.allSatisfy({ $0 == 0 }) else {
                    unmapped += (loaded?.indices ?? []) + [index]
                    return
                }
                value.mask = mask
                value.bitwise = index
                load(destination, value)
            case let .cmp(op, reg, data):
                let loaded = take(register: reg)
                guard let value = loaded, compare(value, op, data) else {
                    unmapped += (loaded?.indices ?? []) + [index]
                    return
                }
            case let .range(negated, reg, from, to):
                let loaded = take(register: reg)
                guard let value = loaded, inRange(value, negated, from, to) else {
                    unmapped += (loaded?.indices ?? []) + [index]
                    return
                }
            case .counter:
                return
            case .verdict(let v):
                guard !hasVerdict else { return unmapped.append(index) }
                hasVerdict = true
                switch v {
                case .accept: rule.target = .jump("ACCEPT")
                case .drop: rule.target = .jump("DROP")
                case .return: rule.target = .jump("RETURN")
                case .jump(let chain): rule.target = .jump(chain)
                case .goto(let chain):
                    rule.target = .jump(chain)
                    rule.goto = true
                }
            case let .match(name, revision, info):
                guard let rev = UInt8(exactly: revision) else { return unmapped.append(index) }
                rule.matches.append(RuleCodec.decodeMatch(XTExtension(name: name, revision: rev, payload: info)))
            case let .target(name, revision, info):
                guard !hasVerdict, let rev = UInt8(exactly: revision) else { return unmapped.append(index) }
                hasVerdict = true
                rule.target = RuleCodec.decodeTarget(XTExtension(name: name, revision: rev, payload: info))
            case .limit(let l):
                let x = RuleCodec.limit(rate: l.rate, unit: l.unit, burst: l.burst)
                rule.matches.append(.opaque(OpaqueExtension(name: x.name, revision: x.revision, data: x.payload)))
            case let .translated(_, _, x, target: false):
                rule.matches.append(.opaque(OpaqueExtension(name: x.name, revision: x.revision, data: x.payload)))
            case let .translated(_, _, x, target: true):
                guard !hasVerdict else { return unmapped.append(index) }
                hasVerdict = true
                rule.target = .opaque(OpaqueExtension(name: x.name, revision: x.revision, data: x.payload))
            case let .immediate(reg, data):
                load(reg, Loaded(source: .constant(data), load: index))
            case let .metaSet(key, reg):
                // iptables-nft's nft_meta_set_to_target: nftrace set from a non-zero constant is `-j TRACE`.
                let loaded = take(register: reg)
                guard key == NFTExpression.metaNFTrace, let value = loaded, case .constant(let data) = value.source,
                    value.mask == nil, data.first ?? 0 != 0, !hasVerdict
                else { return unmapped += (loaded?.indices ?? []) + [index] }
                hasVerdict = true
                rule.target = .opaque(OpaqueExtension(name: "TRACE", revision: 0, data: []))
            case .nat, .other:
                unmapped.append(index)
            }
        }

        /// A value loaded and never compared is kept as unmapped, except an interface name: that is
        /// how iptables-nft writes `-i +` (any interface), which it reads back as no `-i` at all.
        mutating func finish() {
            guard !registers.isEmpty else { return }
            for r in registers.sorted(by: { $0.number < $1.number }) { leftover(r.value) }
            registers = []
        }

        private mutating func load(_ reg: UInt32, _ value: Loaded) {
            if let old = take(register: reg) { leftover(old) }
            registers.append((reg, value))
        }

        /// The value in a register, which is then free.
        private mutating func take(register: UInt32) -> Loaded? {
            registers.firstIndex { $0.number == register }.map { registers.remove(at: $0).value }
        }

        private mutating func leftover(_ value: Loaded) {
            switch value.source {
            case .meta(NFTExpression.metaInInterfaceName) where value.mask == nil,
                .meta(NFTExpression.metaOutInterfaceName) where value.mask == nil:
                return
            default:
                unmapped += value.indices
            }
        }

        /// Applies one comparison to the rule; false when iptables has no way to say it.
        private mutating func compare(_ value: Loaded, _ op: NFTExpression.Comparison, _ data: [UInt8]) -> Bool {
            let equality = op == .eq || op == .neq
            switch value.source {
            case .meta(NFTExpression.metaL4Proto):
                guard equality, value.mask == nil, data.count == 1 else { return false }
                return setProto(data[0], negated: op == .neq)
            case .meta(NFTExpression.metaInInterfaceName):
                guard equality, value.mask == nil, rule.inInterface == nil, let name = interface(data, op) else { return false }
                rule.inInterface = name.text
                if name.negated { rule.negated.insert(.inInterface) }
                return true
            case .meta(NFTExpression.metaOutInterfaceName):
                guard equality, value.mask == nil, rule.outInterface == nil, let name = interface(data, op) else { return false }
                rule.outInterface = name.text
                if name.negated { rule.negated.insert(.outInterface) }
                return true
            case .meta(NFTExpression.metaMark):
                guard equality, data.count == 4, value.mask?.count ?? 4 == 4 else { return false }
                rule.matches.append(.mark(value: hostValue(data), mask: value.mask.map(hostValue) ?? 0xffff_ffff, negated: op == .neq))
                return true
            case let .payload(NFTExpression.networkHeader, offset, length):
                guard equality else { return false }
                return network(offset: offset, length: length, mask: value.mask, data: data, negated: op == .neq)
            case let .payload(NFTExpression.transportHeader, offset, length):
                return transport(offset: offset, length: length, mask: value.mask, op: op, data: data)
            default:
                return false
            }
        }

        private mutating func setProto(_ p: UInt8, negated: Bool) -> Bool {
            guard rule.proto == nil else { return false }
            rule.proto = UInt16(p)
            if negated { rule.negated.insert(.proto) }
            return true
        }

        /// iptables-nft's parse_ifname: a trailing NUL means the exact name, none a prefix (`eth+`).
        private func interface(_ data: [UInt8], _ op: NFTExpression.Comparison) -> (text: String, negated: Bool)? {
            if data == NFTRuleCodec.invalidInterface && op == .eq { return ("+", true) }
            guard !data.isEmpty, data.count <= Int(IFNAMSIZ) else { return nil }
            if data.last == 0 {
                let name = data.prefix { $0 != 0 }
                guard !name.isEmpty, data.dropFirst(name.count).allSatisfy({ $0 == 0 }) else { return nil }
                return (String(decoding: name, as: UTF8.self), op == .neq)
            }
            guard data.count < Int(IFNAMSIZ), !data.contains(0) else { return nil }
            return (String(decoding: data, as: UTF8.self) + "+", op == .neq)
        }

        private mutating func network(offset: UInt32, length: UInt32, mask: [UInt8]?, data: [UInt8], negated: Bool) -> Bool {
            switch (offset, length) {
            case (12, 1...4), (16, 1...4):
                guard data.count == Int(length) else { return false }
                var prefix = Int(length) * 8
                var noPrefix: UInt32?
                if let mask {
                    guard length == 4, mask.count == 4 else { return false }
                    let m = UInt32(bigEndian: mask.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
                    // A mask that is no prefix prints dotted, as iptables-nft prints it (the address as compared).
                    if m == IPv4Subnet.mask(m.nonzeroBitCount) { prefix = m.nonzeroBitCount } else { noPrefix = m }
                }
                // The bytes in network order, the missing ones zero.
                let value = data.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (24 - 8 * $1.offset) }
                let subnet = IPv4Subnet(IPv4Address(value), prefixLength: prefix)
                if offset == 12 {
                    guard rule.source == nil else { return false }
                    rule.source = subnet
                    rule.sourceMask = noPrefix
                    if negated { rule.negated.insert(.source) }
                } else {
                    guard rule.destination == nil else { return false }
                    rule.destination = subnet
                    rule.destinationMask = noPrefix
                    if negated { rule.negated.insert(.destination) }
                }
                return true
            case (9, 1):  // how iptables-nft before 1.8 spelled -p
                guard mask == nil, data.count == 1 else { return false }
                return setProto(data[0], negated: negated)
            case (6, 2):
                guard mask == [0x1f, 0xff], data == [0, 0], !rule.fragment else { return false }
                rule.fragment = true
                // "offset != 0" is -f; "offset == 0" is ! -f.
                if !negated { rule.negated.insert(.fragment) }
                return true
            default:
                return false
            }
        }

        private mutating func transport(offset: UInt32, length: UInt32, mask: [UInt8]?, op: NFTExpression.Comparison, data: [UInt8]) -> Bool
        {
            guard let proto = rule.proto.flatMap({ TransportPort.Proto(number: $0) }), proto != .sctp,
                !rule.negated.contains(.proto), data.count == Int(length)
            else { return false }
            switch (offset, length) {
            case (13, 1):
                guard proto == .tcp, op == .eq || op == .neq, mask?.count ?? 1 == 1 else { return false }
                updatePorts(proto) { _, _, flags in
                    flags = IPTablesRule.TCPFlags(mask: mask?[0] ?? 0xff, compare: data[0], negated: op == .neq)
                }
            case (0, 2), (2, 2):
                guard mask == nil else { return false }
                let port = UInt16(data[0]) << 8 | UInt16(data[1])
                updatePorts(proto) { s, d, _ in
                    if offset == 0 { s = Self.single(s, op, port) } else { d = Self.single(d, op, port) }
                }
            case (0, 4):
                guard mask == nil, op == .eq || op == .neq else { return false }
                let sport = UInt16(data[0]) << 8 | UInt16(data[1]), dport = UInt16(data[2]) << 8 | UInt16(data[3])
                updatePorts(proto) { s, d, _ in
                    s = Self.single(s, op, sport)
                    d = Self.single(d, op, dport)
                }
            default:
                return false
            }
            return true
        }

        private mutating func inRange(_ value: Loaded, _ negated: Bool, _ from: [UInt8], _ to: [UInt8]) -> Bool {
            guard case let .payload(NFTExpression.transportHeader, offset, 2) = value.source, offset == 0 || offset == 2,
                value.mask == nil, from.count == 2, to.count == 2,
                let proto = rule.proto.flatMap({ TransportPort.Proto(number: $0) }), proto != .sctp,
                !rule.negated.contains(.proto)
            else { return false }
            let range = IPTablesRule.PortRange(UInt16(from[0]) << 8 | UInt16(from[1]), UInt16(to[0]) << 8 | UInt16(to[1]), negated: negated)
            updatePorts(proto) { s, d, _ in
                if offset == 0 { s = range } else { d = range }
            }
            return true
        }

        /// iptables-nft's port_match_single_to_range: `<`, `<=`, `>`, `>=` narrow one end of the range.
        private static func single(
            _ current: IPTablesRule.PortRange?, _ op: NFTExpression.Comparison, _ port: UInt16
        ) -> IPTablesRule.PortRange {
            var r = current ?? .init(0, 0xffff)
            switch op {
            case .eq, .neq: r = .init(port, port, negated: op == .neq)
            case .lt: r.high = port <= 1 ? 1 : port - 1
            case .lte: r.high = port
            case .gt: r.low = port == 0xffff ? port : port + 1
            case .gte: r.low = port
            }
            return r
        }

        /// The one tcp/udp match native comparisons build, created where the first of them appears.
        private mutating func updatePorts(
            _ proto: TransportPort.Proto,
            _ change: (inout IPTablesRule.PortRange?, inout IPTablesRule.PortRange?, inout IPTablesRule.TCPFlags?) -> Void
        ) {
            let index = portsMatch ?? rule.matches.count
            if portsMatch == nil {
                rule.matches.append(.ports(proto, source: nil, destination: nil))
                portsMatch = index
            }
            guard case .ports(let p, var s, var d, var flags) = rule.matches[index] else { return }
            change(&s, &d, &flags)
            rule.matches[index] = .ports(p, source: s, destination: d, tcpFlags: flags)
        }
    }
}
