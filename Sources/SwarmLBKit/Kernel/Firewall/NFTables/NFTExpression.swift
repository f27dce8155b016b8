/// One nf_tables expression of a rule, of the kinds iptables-nft writes, as a plain value.
/// `description` prints it exactly as `nft --debug=netlink list ruleset` does, e.g.
/// `[ payload load 4b @ network header + 16 => reg 1 ]` or `[ target name MARK rev 2 ]`.
enum NFTExpression: Hashable, Sendable, CustomStringConvertible {
    /// `meta load KEY => reg N`: a packet property (NFT_META_*) into a register.
    case meta(key: UInt32, register: UInt32)
    /// `meta set KEY with reg N`: a register's value into a packet property (iptables-nft's TRACE sets nftrace).
    case metaSet(key: UInt32, register: UInt32)
    /// `payload load LENb @ BASE header + OFFSET => reg N` (NFT_PAYLOAD_*_HEADER bases).
    case payload(base: UInt32, offset: UInt32, length: UInt32, register: UInt32)
    /// `bitwise reg D = ( reg S & MASK ) ^ XOR`.
    case bitwise(source: UInt32, destination: UInt32, mask: [UInt8], xor: [UInt8])
    /// `cmp OP reg N DATA`: compares a register with the data, which is in packet byte order.
    case cmp(Comparison, register: UInt32, data: [UInt8])
    /// `range eq|neq reg N FROM TO`.
    case range(negated: Bool, register: UInt32, from: [UInt8], to: [UInt8])
    /// `counter pkts P bytes B`.
    case counter(packets: UInt64, bytes: UInt64)
    /// `immediate reg 0 VERDICT`: what the rule does with a packet that matched.
    case verdict(Verdict)
    /// `immediate reg N DATA`: a constant loaded into a data register (nft's `dnat to ADDR:PORT`
    /// loads its address and port so).
    case immediate(register: UInt32, data: [UInt8])
    /// `nat snat|dnat ip addr_min reg A ...`: nft's native NAT, as nft writes `snat to`/`dnat to`
    /// (Docker 29's `table ip docker-dns`); iptables-nft 1.8.9 writes NAT as x_tables targets instead.
    case nat(NAT)
    /// `match name NAME rev N`: an x_tables match run through nft_compat; `info` is its payload.
    case match(name: String, revision: UInt32, info: [UInt8])
    /// `target name NAME rev N`: an x_tables target run through nft_compat; `info` is its payload.
    case target(name: String, revision: UInt32, info: [UInt8])
    /// A native expression iptables-nft reads back as an x_tables extension (`log` as the NFLOG target,
    /// as its nft_parse_log builds it): libnftnl's name and text of it, and that extension.
    case translated(name: String, attributes: String, XTExtension, target: Bool)
    /// `limit rate R/UNIT burst B type packets|bytes flags 0xF`: nft's native limit, which iptables-nft
    /// reads back as the limit match (nft_parse_limit); its text is made only when printed.
    case limit(Limit)
    /// Any other expression: its name and its attributes as libnftnl prints them.
    case other(name: String, attributes: String)

    /// A native limit: packets (or bytes) per `unit` seconds, the burst, NFT_LIMIT_* type and flags.
    struct Limit: Hashable, Sendable {
        var rate: UInt64
        var unit: UInt64
        var burst: UInt32
        var type: UInt32
        var flags: UInt32
    }

    /// A native NAT expression: the registers holding its address and port range (nil: not given).
    struct NAT: Hashable, Sendable {
        var destination: Bool
        var addressMin: UInt32?
        var addressMax: UInt32?
        var protoMin: UInt32?
        var protoMax: UInt32?
        var flags: UInt32?
    }

    /// NFT_CMP_* operators, by their numbers.
    enum Comparison: UInt32, Sendable {
        case eq, neq, lt, lte, gt, gte
    }

    /// The verdicts iptables-nft writes.
    enum Verdict: Hashable, Sendable {
        case accept, drop, `return`
        case jump(String)
        case goto(String)
    }

    // NFT_META_* keys swarmlb reads and writes.
    static let metaMark: UInt32 = 3
    static let metaInInterfaceName: UInt32 = 6
    static let metaOutInterfaceName: UInt32 = 7
    static let metaL4Proto: UInt32 = 16
    static let metaNFTrace: UInt32 = 12
    // NFT_PAYLOAD_* bases.
    static let networkHeader: UInt32 = 1
    static let transportHeader: UInt32 = 2

    /// libnftnl's names of NFT_META_* keys, by number.
    private static let metaKeyNames = [
        "len", "protocol", "priority", "mark", "iif", "oif", "iifname", "oifname", "iiftype", "oiftype",
        "skuid", "skgid", "nftrace", "rtclassid", "secmark", "nfproto", "l4proto", "bri_iifname", "bri_oifname",
        "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup", "prandom", "secpath", "iifkind", "oifkind",
        "bri_iifpvid", "bri_iifvproto", "time", "day", "hour", "sdif", "sdifname",
    ]
    private static let baseNames = ["link", "network", "transport", "inner"]

    /// The expression's name in nf_tables (NFTA_EXPR_NAME).
    var name: String {
        switch self {
        case .meta, .metaSet: return "meta"
        case .payload: return "payload"
        case .bitwise: return "bitwise"
        case .cmp: return "cmp"
        case .range: return "range"
        case .counter: return "counter"
        case .verdict: return "immediate"
        case .immediate: return "immediate"
        case .nat: return "nat"
        case .match: return "match"
        case .target: return "target"
        case .limit: return "limit"
        case .other(let name, _), .translated(let name, _, _, _): return name
        }
    }

    var description: String { "[ \(name) \(attributes)]" }

    /// What libnftnl prints after the name, with its trailing space.
    private var attributes: String {
        switch self {
        case let .metaSet(key, register):
            let keyName = Int(key) < Self.metaKeyNames.count ? Self.metaKeyNames[Int(key)] : "unknown"
            return "set \(keyName) with reg \(register) "
        case let .meta(key, register):
            let keyName = Int(key) < Self.metaKeyNames.count ? Self.metaKeyNames[Int(key)] : "unknown"
            return "load \(keyName) => reg \(register) "
        case let .payload(base, offset, length, register):
            let baseName = Int(base) < Self.baseNames.count ? Self.baseNames[Int(base)] : "unknown"
            return "load \(length)b @ \(baseName) header + \(offset) => reg \(register) "
        case let .bitwise(source, destination, mask, xor):
            return "reg \(destination) = ( reg \(source) & \(Self.words(mask))) ^ \(Self.words(xor))"
        case let .cmp(op, register, data):
            return "\(op) reg \(register) \(Self.words(data))"
        case let .range(negated, register, from, to):
            return "\(negated ? "neq" : "eq") reg \(register) \(Self.words(from))\(Self.words(to))"
        case let .counter(packets, bytes):
            return "pkts \(packets) bytes \(bytes) "
        case .verdict(let v):
            switch v {
            case .accept: return "reg 0 accept "
            case .drop: return "reg 0 drop "
            case .return: return "reg 0 return "
            case .jump(let chain): return "reg 0 jump -> \(chain) "
            case .goto(let chain): return "reg 0 goto -> \(chain) "
            }
        case let .immediate(register, data):
            return "reg \(register) \(Self.words(data))"
        case .nat(let n):
            let registers = [("addr_min", n.addressMin), ("addr_max", n.addressMax), ("proto_min", n.protoMin), ("proto_max", n.protoMax)]
            return (n.destination ? "dnat" : "snat") + " ip "
                + registers.compactMap { name, r in r.map { "\(name) reg \($0) " } }.joined()
                + (n.flags.map { "flags 0x\(String($0, radix: 16)) " } ?? "")
        case let .match(name, revision, _), let .target(name, revision, _):
            return "name \(name) rev \(revision) "
        case .limit(let l):
            // libnftnl's names of the units it knows (nftnl_expr_limit_snprintf); NFT_LIMIT_PKT_BYTES is 1.
            let units: [UInt64: String] = [1: "second", 60: "minute", 3600: "hour", 86400: "day", 604800: "week"]
            return "rate \(l.rate)/\(units[l.unit] ?? "error") burst \(l.burst) type \(l.type == 1 ? "bytes" : "packets") "
                + "flags 0x\(String(l.flags, radix: 16)) "
        case .other(_, let attributes), .translated(_, let attributes, _, _):
            return attributes
        }
    }

    /// libnftnl's data register text: 32-bit words read in host order, zero-padded, each `0x%08x `.
    static func words(_ data: [UInt8]) -> String {
        stride(from: 0, to: data.count, by: 4).map { i -> String in
            var word = [UInt8](data[i..<min(i + 4, data.count)])
            word += [UInt8](repeating: 0, count: 4 - word.count)
            let value = word.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            let hex = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: 8 - hex.count) + hex + " "
        }.joined()
    }
}

extension NFTExpression.Comparison: CustomStringConvertible {
    var description: String {
        switch self {
        case .eq: return "eq"
        case .neq: return "neq"
        case .lt: return "lt"
        case .lte: return "lte"
        case .gt: return "gt"
        case .gte: return "gte"
        }
    }
}
