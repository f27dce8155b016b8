import CNFTables
import Glibc

/// A rule of an nf_tables dump (an NFT_MSG_NEWRULE message) read straight from its netlink
/// attributes into the expressions `nft --debug=netlink` lists, as NFTables reads them through
/// libnftnl, but with no libnftnl rule and expression objects made and freed per rule: reading a
/// chain of thousands of rules is most of a small `apply`'s reading. A rule holding an expression
/// (or a value) it does not model gives nil, and is read with libnftnl, which prints what swarmlb
/// does not model. NFTRuleMessageTests holds both readings equal.
enum NFTRuleMessage {
    /// The rule of `nlh`, or nil when libnftnl is to read it (also when it names no chain).
    static func rule(_ nlh: UnsafePointer<nlmsghdr>) -> NFTables.Rule? {
        let length = Int(nlh.pointee.nlmsg_len) - MemoryLayout<nlmsghdr>.size - MemoryLayout<nfgenmsg>.size
        guard length >= 0 else { return nil }
        let payload = UnsafeRawBufferPointer(
            start: UnsafeRawPointer(nlh) + MemoryLayout<nlmsghdr>.size + MemoryLayout<nfgenmsg>.size, count: length)
        var chain: String?
        var handle: UInt64 = 0
        var expressions: [NFTExpression] = []
        expressions.reserveCapacity(8)  // one allocation for the usual rule, not one per doubling
        var comment: String?
        for (type, value) in Attributes(payload) {
            switch Int32(type) {
            case Int32(NFTA_RULE_CHAIN.rawValue): chain = string(value)
            case Int32(NFTA_RULE_HANDLE.rawValue): handle = be64(value) ?? 0
            case Int32(NFTA_RULE_USERDATA.rawValue): comment = NFTables.comment(userdata: value)
            case Int32(NFTA_RULE_EXPRESSIONS.rawValue):
                for (elementType, element) in Attributes(value) where elementType == UInt16(NFTA_LIST_ELEM.rawValue) {
                    guard let x = expression(element) else { return nil }
                    expressions.append(x)
                }
            default: break
            }
        }
        guard let chain else { return nil }
        return NFTables.Rule(chain: chain, handle: handle, expressions: expressions, comment: comment)
    }

    /// One expression (NFTA_EXPR_NAME and NFTA_EXPR_DATA), as NFTables.expression reads libnftnl's;
    /// nil for what that reading keeps as libnftnl prints it.
    private static func expression(_ element: UnsafeRawBufferPointer) -> NFTExpression? {
        var name: Kind?
        var data = UnsafeRawBufferPointer(start: nil, count: 0)
        for (type, value) in Attributes(element) {
            if type == UInt16(NFTA_EXPR_NAME.rawValue) { name = Kind(value) }
            if type == UInt16(NFTA_EXPR_DATA.rawValue) { data = value }
        }
        // Each attribute of the expression by its number (a table on the stack: thousands of rules).
        return withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer?.self, capacity: 16) { table in
            table.initialize(repeating: nil)
            for (type, value) in Attributes(data) where Int(type) < table.count { table[Int(type)] = value }
            return expression(named: name, UnsafeBufferPointer(table))
        }
    }

    /// The expression `name` of these attributes (by number): u32 values are 0 when absent, as
    /// libnftnl's getters give them.
    private static func expression(named name: Kind?, _ a: UnsafeBufferPointer<UnsafeRawBufferPointer?>) -> NFTExpression? {
        func set(_ t: UInt32) -> Bool { a[Int(t)] != nil }
        func u32(_ t: UInt32) -> UInt32 { a[Int(t)].flatMap(be32) ?? 0 }
        func value(_ t: UInt32) -> [UInt8]? { a[Int(t)].flatMap(dataValue) }
        switch name {
        case .meta where set(NFTA_META_DREG.rawValue) && !set(NFTA_META_SREG.rawValue):
            return .meta(key: u32(NFTA_META_KEY.rawValue), register: u32(NFTA_META_DREG.rawValue))
        case .payload where set(NFTA_PAYLOAD_DREG.rawValue) && !set(NFTA_PAYLOAD_SREG.rawValue):
            return .payload(
                base: u32(NFTA_PAYLOAD_BASE.rawValue), offset: u32(NFTA_PAYLOAD_OFFSET.rawValue),
                length: u32(NFTA_PAYLOAD_LEN.rawValue), register: u32(NFTA_PAYLOAD_DREG.rawValue))
        case .bitwise
        where (!set(NFTA_BITWISE_OP.rawValue) || u32(NFTA_BITWISE_OP.rawValue) == NFT_BITWISE_MASK_XOR.rawValue):
            guard let mask = value(NFTA_BITWISE_MASK.rawValue), let xor = value(NFTA_BITWISE_XOR.rawValue) else { return nil }
            return .bitwise(source: u32(NFTA_BITWISE_SREG.rawValue), destination: u32(NFTA_BITWISE_DREG.rawValue), mask: mask, xor: xor)
        case .cmp:
            guard let op = NFTExpression.Comparison(rawValue: u32(NFTA_CMP_OP.rawValue)), let d = value(NFTA_CMP_DATA.rawValue) else {
                return nil
            }
            return .cmp(op, register: u32(NFTA_CMP_SREG.rawValue), data: d)
        case .range where u32(NFTA_RANGE_OP.rawValue) <= NFT_RANGE_NEQ.rawValue:
            guard let from = value(NFTA_RANGE_FROM_DATA.rawValue), let to = value(NFTA_RANGE_TO_DATA.rawValue) else { return nil }
            return .range(
                negated: u32(NFTA_RANGE_OP.rawValue) == NFT_RANGE_NEQ.rawValue, register: u32(NFTA_RANGE_SREG.rawValue), from: from, to: to)
        case .counter:
            return .counter(
                packets: a[Int(NFTA_COUNTER_PACKETS.rawValue)].flatMap(be64) ?? 0,
                bytes: a[Int(NFTA_COUNTER_BYTES.rawValue)].flatMap(be64) ?? 0)
        case .immediate:
            guard let d = a[Int(NFTA_IMMEDIATE_DATA.rawValue)] else { return nil }
            let register = u32(NFTA_IMMEDIATE_DREG.rawValue)
            if register == NFT_REG_VERDICT.rawValue { return verdict(d) }
            return dataValue(d).map { .immediate(register: register, data: $0) }
        case .nat where u32(NFTA_NAT_FAMILY.rawValue) == NFPROTO_IPV4:
            func register(_ t: UInt32) -> UInt32? { set(t) ? u32(t) : nil }
            return .nat(
                .init(
                    destination: u32(NFTA_NAT_TYPE.rawValue) == NFT_NAT_DNAT.rawValue,
                    addressMin: register(NFTA_NAT_REG_ADDR_MIN.rawValue), addressMax: register(NFTA_NAT_REG_ADDR_MAX.rawValue),
                    protoMin: register(NFTA_NAT_REG_PROTO_MIN.rawValue), protoMax: register(NFTA_NAT_REG_PROTO_MAX.rawValue),
                    flags: register(NFTA_NAT_FLAGS.rawValue)))
        case .limit:
            // iptables-nft reads nft's limit as the limit match (nft_parse_limit); NFTRuleCodec makes it so.
            return .limit(
                .init(
                    rate: a[Int(NFTA_LIMIT_RATE.rawValue)].flatMap(be64) ?? 0, unit: a[Int(NFTA_LIMIT_UNIT.rawValue)].flatMap(be64) ?? 0,
                    burst: u32(NFTA_LIMIT_BURST.rawValue), type: u32(NFTA_LIMIT_TYPE.rawValue), flags: u32(NFTA_LIMIT_FLAGS.rawValue)))
        case .match, .target:
            // NFTA_MATCH_* and NFTA_TARGET_* number NAME, REV and INFO alike.
            guard let n = a[Int(NFTA_MATCH_NAME.rawValue)].flatMap(string), let info = a[Int(NFTA_MATCH_INFO.rawValue)] else {
                return nil
            }
            let revision = u32(NFTA_MATCH_REV.rawValue)
            return name == .match
                ? .match(name: n, revision: revision, info: Array(info)) : .target(name: n, revision: revision, info: Array(info))
        default:
            return nil
        }
    }

    /// The expressions read here, by the name their NFTA_EXPR_NAME gives (its bytes compared, no
    /// String made per expression).
    private enum Kind: String, CaseIterable {
        case meta, payload, bitwise, cmp, range, counter, immediate, nat, limit, match, target

        private static let names: [(Kind, [UInt8])] = allCases.map { ($0, Array($0.rawValue.utf8) + [0]) }

        init?(_ attribute: UnsafeRawBufferPointer) {
            guard let found = Self.names.first(where: { $0.1.count == attribute.count && $0.1.elementsEqual(attribute) }) else {
                return nil
            }
            self = found.0
        }
    }

    /// The verdict of an immediate's NFTA_DATA_VERDICT, or nil for one swarmlb does not model.
    private static func verdict(_ data: UnsafeRawBufferPointer) -> NFTExpression? {
        guard let nested = Attributes(data).first(where: { $0.type == UInt16(NFTA_DATA_VERDICT.rawValue) })?.value else { return nil }
        var code: UInt32?
        var chain: String?
        for (type, value) in Attributes(nested) {
            if type == UInt16(NFTA_VERDICT_CODE.rawValue) { code = be32(value) }
            if type == UInt16(NFTA_VERDICT_CHAIN.rawValue) { chain = string(value) }
        }
        switch code.map({ Int32(bitPattern: $0) }) {
        case NF_ACCEPT: return .verdict(.accept)
        case NF_DROP: return .verdict(.drop)
        case NFT_RETURN.rawValue: return .verdict(.return)
        case NFT_JUMP.rawValue: return chain.map { .verdict(.jump($0)) }
        case NFT_GOTO.rawValue: return chain.map { .verdict(.goto($0)) }
        default: return nil
        }
    }

    /// The bytes of an NFTA_DATA_VALUE nested in `data`.
    private static func dataValue(_ data: UnsafeRawBufferPointer) -> [UInt8]? {
        Attributes(data).first { $0.type == UInt16(NFTA_DATA_VALUE.rawValue) }.map { Array($0.value) }
    }

    private static func be32(_ v: UnsafeRawBufferPointer) -> UInt32? {
        v.count == 4 ? UInt32(bigEndian: v.loadUnaligned(as: UInt32.self)) : nil
    }

    private static func be64(_ v: UnsafeRawBufferPointer) -> UInt64? {
        v.count == 8 ? UInt64(bigEndian: v.loadUnaligned(as: UInt64.self)) : nil
    }

    /// A NUL-terminated string attribute.
    private static func string(_ v: UnsafeRawBufferPointer) -> String? {
        guard let end = v.firstIndex(of: 0) else { return nil }
        return String(decoding: v[..<end], as: UTF8.self)
    }

    /// The netlink attributes laid one after another in `bytes` (struct nlattr, 4-byte aligned),
    /// each as its type (flags taken off) and value.
    private struct Attributes: Sequence, IteratorProtocol {
        private var rest: UnsafeRawBufferPointer

        init(_ bytes: UnsafeRawBufferPointer) { rest = bytes }

        mutating func next() -> (type: UInt16, value: UnsafeRawBufferPointer)? {
            guard rest.count >= 4 else { return nil }
            let length = Int(rest.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
            // NLA_TYPE_MASK: the type without NLA_F_NESTED and NLA_F_NET_BYTEORDER.
            let type = rest.loadUnaligned(fromByteOffset: 2, as: UInt16.self) & 0x3fff
            guard length >= 4, length <= rest.count else { return nil }
            let value = UnsafeRawBufferPointer(rebasing: rest[4..<length])
            rest = UnsafeRawBufferPointer(rebasing: rest[Swift.min(rest.count, (length + 3) & ~3)...])
            return (type, value)
        }
    }
}
