import CNFTables
import Glibc

/// The nf_tables netlink interface of the current namespace, family ip, as iptables-nft uses it:
/// the generation id (`NFT_MSG_GETGEN`), consistent reads of one table's chains and rules, and
/// atomic batches pinned to the generation they were planned on. One libmnl socket, which gives
/// up on a silent kernel after `timeout` seconds. Mirrors `nft list table ip T` and `nft -f`.
final class NFTables {
    /// One table as read, with the generation it was read at.
    struct ConsistentRead {
        var generation: UInt32
        /// nil when the table does not exist.
        var table: Table?
    }

    struct Table {
        /// In the kernel's order (creation order).
        var chains: [Chain]
        /// In chain order.
        var rules: [Rule]
        /// Whether the table holds objects other than chains (sets, maps, stateful objects, flowtables).
        var holdsMoreThanChains = false
    }

    struct Chain {
        var name: String
        /// NF_ACCEPT or NF_DROP for a base chain, nil for a user chain.
        var policy: UInt32?
        /// Present when the chain keeps counters (iptables-nft's `-P` sets them).
        var counters: (packets: UInt64, bytes: UInt64)?
    }

    struct Rule: Equatable {
        var chain: String
        var handle: UInt64
        var expressions: [NFTExpression]
        /// The userdata comment (nft's `comment "..."`), if any.
        var comment: String?
    }

    /// A rule in a batch: one the kernel holds (by handle) or one added earlier in the same batch (by id).
    enum RuleReference: Hashable {
        case handle(UInt64)
        case id(UInt32)
    }

    /// One message of a batch.
    enum Message {
        /// `nft add table ip T`.
        case newTable(String)
        /// A base chain as iptables-nft creates it: type, hook and priority, policy accept.
        case newBaseChain(table: String, chain: String, type: String, hook: UInt32, priority: Int32)
        /// `nft create chain ip T C` (fails when it exists).
        case newChain(table: String, chain: String)
        /// A rule appended (no `before`) or inserted before another; `id` lets later messages of the
        /// batch refer to it (iptables-nft sets one only then). `rule` only names it in errors.
        case newRule(
            table: String, chain: String, expressions: [NFTExpression], compat: (proto: UInt32, negated: Bool),
            id: UInt32?, before: RuleReference?, rule: IPTablesRule)
        case deleteRule(table: String, chain: String, RuleReference, rule: IPTablesRule)
        /// `nft flush chain ip T C`.
        case flushChain(table: String, chain: String)
        /// Deletes a chain that holds no rules and that no rule jumps to (else EBUSY).
        case deleteChain(table: String, chain: String)
        /// `nft delete table ip T`, with the chains it holds.
        case deleteTable(String)

        /// Gives an added rule the id a later message of the batch refers to it by.
        mutating func give(id: UInt32) {
            if case let .newRule(t, c, x, compat, _, before, rule) = self {
                self = .newRule(table: t, chain: c, expressions: x, compat: compat, id: id, before: before, rule: rule)
            }
        }
    }

    /// A kernel that has not answered within this many seconds is given up on.
    static let timeout = 5
    private static let family = UInt16(NFPROTO_IPV4)
    private static let bufferSize = 65536

    private let socket: OpaquePointer
    private var sequence = UInt32(truncatingIfNeeded: time(nil))
    /// Where messages are built, zero but for the message being built (see `append`).
    private var scratch = [UInt8](repeating: 0, count: bufferSize)
    /// Where replies are received.
    private var received = [UInt8](repeating: 0, count: bufferSize)

    /// Opens the socket in the current namespace.
    init() throws(KernelError) {
        guard let s = mnl_socket_open(NETLINK_NETFILTER) else {
            throw .syscall(call: "socket", object: "netlink netfilter", errno: Glibc.errno)
        }
        if mnl_socket_bind(s, 0, pid_t(MNL_SOCKET_AUTOPID)) < 0 {
            let e = Glibc.errno
            mnl_socket_close(s)
            throw .syscall(call: "bind", object: "netlink netfilter", errno: e)
        }
        var tv = timeval(tv_sec: Self.timeout, tv_usec: 0)
        if setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) < 0 {
            let e = Glibc.errno
            mnl_socket_close(s)
            throw .syscall(call: "setsockopt SO_RCVTIMEO", object: "netlink netfilter", errno: e)
        }
        socket = s
    }

    deinit { mnl_socket_close(socket) }

    // MARK: reading

    /// The ruleset's generation id, which every committed batch increments.
    func generation() throws(KernelError) -> UInt32 {
        var id: UInt32?
        try request(
            type: NFT_MSG_GETGEN, family: UInt16(AF_UNSPEC), flags: NLM_F_ACK, operation: "get generation",
            object: "nf_tables"
        ) { nlh in
            guard let gen = nftnl_gen_alloc() else { return }
            defer { nftnl_gen_free(gen) }
            if nftnl_gen_nlmsg_parse(nlh, gen) == 0 { id = nftnl_gen_get_u32(gen, UInt16(NFTNL_GEN_ID)) }
        }
        guard let id else { throw .nftables(operation: "get generation", object: "nf_tables", errno: EPROTO) }
        return id
    }

    /// The names of the tables of family ip, in the kernel's order. `nft list tables ip`.
    func tableNames() throws(KernelError) -> [String] { try tables().map(\.name) }

    /// The tables of family ip with their use counts (chains, sets, objects and flowtables they hold).
    private func tables() throws(KernelError) -> [(name: String, use: UInt32)] {
        var tables: [(name: String, use: UInt32)] = []
        try request(type: NFT_MSG_GETTABLE, family: Self.family, flags: NLM_F_DUMP, operation: "list tables", object: "ip") { nlh in
            guard let t = nftnl_table_alloc() else { return }
            defer { nftnl_table_free(t) }
            if nftnl_table_nlmsg_parse(nlh, t) == 0, let n = nftnl_table_get_str(t, UInt16(NFTNL_TABLE_NAME.rawValue)) {
                tables.append((String(cString: n), nftnl_table_get_u32(t, UInt16(NFTNL_TABLE_USE.rawValue))))
            }
        }
        return tables
    }

    /// Table `name` with its chains and rules, read between two equal generation ids (as
    /// iptables-nft builds its cache), so that it is one state of the ruleset. `nft list table ip NAME`.
    func consistentRead(of name: String) throws(KernelError) -> ConsistentRead {
        let start = Self.monotonicSeconds()
        var attempt = 0
        while attempt < 2 || Self.monotonicSeconds() - start < Self.patience {
            if attempt > 0 { Self.pause(retry: attempt) }
            attempt += 1
            let before = try generation()
            let table: Table?
            do {
                table = try read(name)
            } catch  where error.errno == EINTR {
                continue
            }
            if try generation() == before { return ConsistentRead(generation: before, table: table) }
        }
        throw .nftables(operation: "read", object: "table ip \(name) (it kept changing)", errno: EAGAIN)
    }

    /// A read or a commit that other writers keep overtaking is tried again, after growing pauses, for
    /// this many seconds (iptables-nft retries without end): a writer committing rule by rule in a
    /// loop can take that long under load.
    static let patience = 60.0

    /// Seconds on CLOCK_MONOTONIC, to measure that patience.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// 1, 2, 4 ... 128 ms, plus up to as much again at random so that writers that collided part.
    static func pause(retry: Int) {
        let ms = UInt32(1) << UInt32(min(retry - 1, 7))
        usleep(ms * 1000 + UInt32.random(in: 0..<(ms * 1000)))
    }

    /// nil when the table does not exist. A dump the kernel interrupted throws EINTR.
    private func read(_ name: String) throws(KernelError) -> Table? {
        guard let use = try tables().first(where: { $0.name == name })?.use else { return nil }
        var chains: [Chain] = []
        try request(type: NFT_MSG_GETCHAIN, family: Self.family, flags: NLM_F_DUMP, operation: "list chains", object: "table ip \(name)") {
            nlh in
            guard let c = nftnl_chain_alloc() else { return }
            defer { nftnl_chain_free(c) }
            guard nftnl_chain_nlmsg_parse(nlh, c) == 0, Self.string(nftnl_chain_get_str(c, Self.attr(NFTNL_CHAIN_TABLE))) == name,
                let chainName = Self.string(nftnl_chain_get_str(c, Self.attr(NFTNL_CHAIN_NAME)))
            else { return }
            func u32(_ a: nftnl_chain_attr) -> UInt32? { nftnl_chain_is_set(c, Self.attr(a)) ? nftnl_chain_get_u32(c, Self.attr(a)) : nil }
            let counted = nftnl_chain_is_set(c, Self.attr(NFTNL_CHAIN_PACKETS))
            chains.append(
                Chain(
                    name: chainName, policy: u32(NFTNL_CHAIN_POLICY),
                    counters: counted
                        ? (
                            nftnl_chain_get_u64(c, Self.attr(NFTNL_CHAIN_PACKETS)),
                            nftnl_chain_get_u64(c, Self.attr(NFTNL_CHAIN_BYTES))
                        ) : nil))
        }
        var rules: [Rule] = []
        let filter = RuleFilter(table: name)
        try request(
            type: NFT_MSG_GETRULE, family: Self.family, flags: NLM_F_DUMP, payload: filter.build,
            operation: "list rules", object: "table ip \(name)"
        ) { nlh in
            if let rule = NFTRuleMessage.rule(nlh) ?? Self.libnftnlRule(nlh) { rules.append(rule) }
        }
        return Table(chains: chains, rules: rules, holdsMoreThanChains: use > chains.count)
    }

    /// A rule message read with libnftnl: the rules NFTRuleMessage leaves (an expression it does not
    /// model is kept as libnftnl prints it). Nil when it names no chain.
    static func libnftnlRule(_ nlh: UnsafePointer<nlmsghdr>) -> Rule? {
        guard let r = nftnl_rule_alloc() else { return nil }
        defer { nftnl_rule_free(r) }
        guard nftnl_rule_nlmsg_parse(nlh, r) == 0,
            let chain = Self.string(nftnl_rule_get_str(r, Self.attr(NFTNL_RULE_CHAIN)))
        else { return nil }
        return Rule(
            chain: chain, handle: nftnl_rule_get_u64(r, Self.attr(NFTNL_RULE_HANDLE)),
            expressions: Self.expressions(of: r), comment: Self.comment(of: r))
    }

    /// Limits a rule dump to one table (NFTA_RULE_TABLE), which the kernel filters on.
    private struct RuleFilter {
        let table: String
        func build(_ nlh: UnsafeMutablePointer<nlmsghdr>) {
            guard let r = nftnl_rule_alloc() else { return }
            defer { nftnl_rule_free(r) }
            _ = table.withCString { nftnl_rule_set_str(r, NFTables.attr(NFTNL_RULE_TABLE), $0) }
            nftnl_rule_nlmsg_build_payload(nlh, r)
        }
    }

    // MARK: writing

    /// Sends `messages` as one batch the kernel applies whole or not at all, refused with ERESTART
    /// when the ruleset is no longer at `generation` (another writer committed since it was read).
    /// The kernel reports every refused message, and processes the whole batch before it answers;
    /// only the last message asks for an acknowledgement, so its answer ends the reading (the
    /// kernel orders answers as the messages). The first refusal is thrown, naming its message.
    /// As iptables-nft, which asks for none: ten thousand acknowledgements cost more than the rules.
    func commit(_ messages: [Message], generation: UInt32) throws(KernelError) {
        guard !messages.isEmpty else { return }
        var batch: [UInt8] = []
        // Room for rule messages of every usual size: one allocation, never grown, and pages not written are never touched.
        batch.reserveCapacity(512 * (messages.count + 2))
        let begin = nextSequence()
        append(to: &batch) { buf in
            let nlh = nftnl_batch_begin(buf, begin)!
            mnl_attr_put_u32(nlh, UInt16(NFNL_BATCH_GENID.rawValue), generation.bigEndian)
            return nlh
        }
        // Message i carries sequence number begin + 1 + i; its description is made only if the kernel refuses it.
        var last: UInt32 = begin
        // Each message read in place: a copy would retain and release every rule and expression it holds.
        messages.withUnsafeBufferPointer { all in
            for index in all.indices {
                let seq = nextSequence()
                last = seq
                append(to: &batch) { buf in Self.build(all[index], into: buf, sequence: seq, acknowledged: index == all.count - 1) }
            }
        }
        let end = nextSequence()
        append(to: &batch) { buf in nftnl_batch_end(buf, end)! }

        // Room for the whole batch and for an acknowledgement per message, as iptables-nft makes
        // (root may force it): a full receive buffer would drop acknowledgements.
        raise(SO_SNDBUFFORCE, to: batch.count)
        raise(SO_RCVBUFFORCE, to: messages.count * Int(getpagesize()))
        let sent = batch.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        if sent < 0 { throw .syscall(call: "sendto", object: "nf_tables batch", errno: Glibc.errno) }

        var failure: KernelError?
        var answered = false
        while !answered {
            try receive(operation: "commit", object: "nf_tables batch") { nlh in
                guard Int32(nlh.pointee.nlmsg_type) == NLMSG_ERROR else { return true }
                let seq = nlh.pointee.nlmsg_seq
                let error = -Self.errorCode(nlh)
                if seq == begin, error == EPERM {
                    failure = .notPermitted("nf_tables commit")
                    answered = true
                    return false
                }
                if seq == begin, error != 0 {
                    // The whole batch was refused before any message was looked at (ERESTART: a new generation).
                    failure = .nftables(operation: "commit", object: "batch planned at generation \(generation)", errno: error)
                    answered = true
                    return false
                }
                let index = Int(seq &- begin) - 1
                if messages.indices.contains(index), error != 0, failure == nil {
                    failure = .nftables(operation: "commit", object: Self.describe(messages[index]), errno: error)
                }
                if seq == last { answered = true }
                return !answered
            }
        }
        if let failure { throw failure }
    }

    private var bufferSizes: [Int32: Int] = [:]

    private func raise(_ option: Int32, to size: Int) {
        guard size > bufferSizes[option, default: 212_992] else { return }
        var value = Int32(clamping: size)
        if setsockopt(mnl_socket_get_fd(socket), SOL_SOCKET, option, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 {
            bufferSizes[option] = size
        }
    }

    private func nextSequence() -> UInt32 {
        sequence &+= 1
        return sequence
    }

    /// Builds one message in the scratch buffer with `build` and appends its bytes to `batch`.
    private func append(to batch: inout [UInt8], _ build: (UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<nlmsghdr>) {
        scratch.withUnsafeMutableBytes { raw in
            let nlh = build(raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            let length = Int(nlh.pointee.nlmsg_len)
            batch += raw.prefix(length)
            // libmnl leaves attribute padding as it finds it: zero what this message used, so the
            // next one pads with zeros, as iptables-nft's (calloc'd) batch does.
            memset(raw.baseAddress!, 0, length)
        }
    }

    private static func describe(_ m: Message) -> String {
        switch m {
        case .newTable(let t): return "add table ip \(t)"
        case let .newBaseChain(t, c, _, _, _): return "add chain ip \(t) \(c)"
        case let .newChain(t, c): return "create chain ip \(t) \(c)"
        case let .newRule(t, c, _, _, _, _, _): return "add rule ip \(t) \(c)"
        case let .deleteRule(t, c, _, _): return "delete rule ip \(t) \(c)"
        case let .flushChain(t, c): return "flush chain ip \(t) \(c)"
        case let .deleteChain(t, c): return "delete chain ip \(t) \(c)"
        case .deleteTable(let t): return "delete table ip \(t)"
        }
    }

    /// The flags are iptables-nft's own (NEWCHAIN of a base chain is a create-or-update, of a user
    /// chain exclusive; DELCHAIN non-recursive), plus NLM_F_ACK on the batch's last message.
    static func build(
        _ m: Message, into buf: UnsafeMutablePointer<CChar>, sequence: UInt32,
        acknowledged: Bool
    ) -> UnsafeMutablePointer<nlmsghdr> {
        func header(_ type: nf_tables_msg_types, _ flags: Int32) -> UnsafeMutablePointer<nlmsghdr> {
            nftnl_nlmsg_build_hdr(buf, UInt16(type.rawValue), family, UInt16(flags | (acknowledged ? NLM_F_ACK : 0)), sequence)
        }
        switch m {
        case .newTable(let name):
            let t = nftnl_table_alloc()!
            defer { nftnl_table_free(t) }
            nftnl_table_set_u32(t, attr(NFTNL_TABLE_FAMILY), UInt32(family))
            _ = name.withCString { nftnl_table_set_str(t, attr(NFTNL_TABLE_NAME), $0) }
            let nlh = header(NFT_MSG_NEWTABLE, NLM_F_CREATE)
            nftnl_table_nlmsg_build_payload(nlh, t)
            return nlh
        case let .newBaseChain(table, chain, type, hook, priority):
            let c = chainObject(table, chain)
            defer { nftnl_chain_free(c) }
            nftnl_chain_set_u32(c, attr(NFTNL_CHAIN_HOOKNUM), hook)
            nftnl_chain_set_s32(c, attr(NFTNL_CHAIN_PRIO), priority)
            nftnl_chain_set_u32(c, attr(NFTNL_CHAIN_POLICY), UInt32(NF_ACCEPT))
            _ = type.withCString { nftnl_chain_set_str(c, attr(NFTNL_CHAIN_TYPE), $0) }
            let nlh = header(NFT_MSG_NEWCHAIN, NLM_F_CREATE)
            nftnl_chain_nlmsg_build_payload(nlh, c)
            return nlh
        case let .newChain(table, chain):
            let c = chainObject(table, chain)
            defer { nftnl_chain_free(c) }
            let nlh = header(NFT_MSG_NEWCHAIN, NLM_F_EXCL)
            nftnl_chain_nlmsg_build_payload(nlh, c)
            return nlh
        case let .newRule(table, chain, expressions, compat, id, before, _):
            // Without NLM_F_APPEND a positioned rule goes before the one it names.
            let nlh = header(NFT_MSG_NEWRULE, before == nil ? NLM_F_CREATE | NLM_F_APPEND : NLM_F_CREATE)
            RuleAttributes(nlh).put(table: table, chain: chain, expressions, compat: compat, id: id, before: before)
            return nlh
        case let .deleteRule(table, chain, reference, _):
            let r = ruleObject(table, chain)
            defer { nftnl_rule_free(r) }
            switch reference {
            case .handle(let h): nftnl_rule_set_u64(r, attr(NFTNL_RULE_HANDLE), h)
            case .id(let i): nftnl_rule_set_u32(r, attr(NFTNL_RULE_ID), i)
            }
            let nlh = header(NFT_MSG_DELRULE, 0)
            nftnl_rule_nlmsg_build_payload(nlh, r)
            return nlh
        case let .flushChain(table, chain):
            // DELRULE naming only the chain deletes all its rules.
            let r = ruleObject(table, chain)
            defer { nftnl_rule_free(r) }
            let nlh = header(NFT_MSG_DELRULE, 0)
            nftnl_rule_nlmsg_build_payload(nlh, r)
            return nlh
        case let .deleteChain(table, chain):
            let c = chainObject(table, chain)
            defer { nftnl_chain_free(c) }
            let nlh = header(NFT_MSG_DELCHAIN, NLM_F_NONREC)
            nftnl_chain_nlmsg_build_payload(nlh, c)
            return nlh
        case .deleteTable(let name):
            let t = nftnl_table_alloc()!
            defer { nftnl_table_free(t) }
            nftnl_table_set_u32(t, attr(NFTNL_TABLE_FAMILY), UInt32(family))
            _ = name.withCString { nftnl_table_set_str(t, attr(NFTNL_TABLE_NAME), $0) }
            let nlh = header(NFT_MSG_DELTABLE, 0)
            nftnl_table_nlmsg_build_payload(nlh, t)
            return nlh
        }
    }

    private static func chainObject(_ table: String, _ chain: String) -> OpaquePointer {
        let c = nftnl_chain_alloc()!
        nftnl_chain_set_u32(c, attr(NFTNL_CHAIN_FAMILY), UInt32(family))
        _ = table.withCString { nftnl_chain_set_str(c, attr(NFTNL_CHAIN_TABLE), $0) }
        _ = chain.withCString { nftnl_chain_set_str(c, attr(NFTNL_CHAIN_NAME), $0) }
        return c
    }

    private static func ruleObject(_ table: String, _ chain: String) -> OpaquePointer {
        let r = nftnl_rule_alloc()!
        nftnl_rule_set_u32(r, attr(NFTNL_RULE_FAMILY), UInt32(family))
        _ = table.withCString { nftnl_rule_set_str(r, attr(NFTNL_RULE_TABLE), $0) }
        _ = chain.withCString { nftnl_rule_set_str(r, attr(NFTNL_RULE_CHAIN), $0) }
        return r
    }

    // MARK: expressions

    /// Writes a NEWRULE message's attributes straight into the message with libmnl, in the order
    /// and form libnftnl's nftnl_rule_nlmsg_build_payload gives them (so the bytes are iptables-nft's),
    /// without building and freeing a libnftnl rule and expression objects per rule.
    private struct RuleAttributes {
        let nlh: UnsafeMutablePointer<nlmsghdr>

        init(_ nlh: UnsafeMutablePointer<nlmsghdr>) { self.nlh = nlh }

        func put(
            table: String, chain: String, _ expressions: [NFTExpression], compat: (proto: UInt32, negated: Bool),
            id: UInt32?, before: RuleReference?
        ) {
            strz(NFTA_RULE_TABLE.rawValue, table)
            strz(NFTA_RULE_CHAIN.rawValue, chain)
            if case .handle(let h)? = before { mnl_attr_put_u64(nlh, UInt16(NFTA_RULE_POSITION.rawValue), h.bigEndian) }
            nest(NFTA_RULE_EXPRESSIONS.rawValue) {
                for e in expressions { nest(NFTA_LIST_ELEM.rawValue) { put(e) } }
            }
            nest(NFTA_RULE_COMPAT.rawValue) {
                u32(NFTA_RULE_COMPAT_PROTO.rawValue, compat.proto)
                u32(NFTA_RULE_COMPAT_FLAGS.rawValue, compat.negated ? UInt32(NFT_RULE_COMPAT_F_INV.rawValue) : 0)
            }
            if let id { u32(NFTA_RULE_ID.rawValue, id) }
            if case .id(let i)? = before { u32(NFTA_RULE_POSITION_ID.rawValue, i) }
        }

        /// NFTA_EXPR_NAME, then the expression's attributes nested in NFTA_EXPR_DATA, as iptables-nft sets them.
        private func put(_ e: NFTExpression) {
            strz(NFTA_EXPR_NAME.rawValue, e.name)
            nest(NFTA_EXPR_DATA.rawValue) {
                switch e {
                case let .meta(key, register):
                    u32(NFTA_META_KEY.rawValue, key)
                    u32(NFTA_META_DREG.rawValue, register)
                case let .payload(base, offset, length, register):
                    u32(NFTA_PAYLOAD_DREG.rawValue, register)
                    u32(NFTA_PAYLOAD_BASE.rawValue, base)
                    u32(NFTA_PAYLOAD_OFFSET.rawValue, offset)
                    u32(NFTA_PAYLOAD_LEN.rawValue, length)
                case let .bitwise(source, destination, mask, xor):
                    u32(NFTA_BITWISE_SREG.rawValue, source)
                    u32(NFTA_BITWISE_DREG.rawValue, destination)
                    u32(NFTA_BITWISE_LEN.rawValue, UInt32(mask.count))
                    value(NFTA_BITWISE_MASK.rawValue, mask)
                    value(NFTA_BITWISE_XOR.rawValue, xor)
                case let .cmp(op, register, bytes):
                    u32(NFTA_CMP_SREG.rawValue, register)
                    u32(NFTA_CMP_OP.rawValue, op.rawValue)
                    value(NFTA_CMP_DATA.rawValue, bytes)
                case let .range(negated, register, from, to):
                    u32(NFTA_RANGE_SREG.rawValue, register)
                    u32(NFTA_RANGE_OP.rawValue, negated ? NFT_RANGE_NEQ.rawValue : NFT_RANGE_EQ.rawValue)
                    value(NFTA_RANGE_FROM_DATA.rawValue, from)
                    value(NFTA_RANGE_TO_DATA.rawValue, to)
                case let .counter(packets, bytes):
                    mnl_attr_put_u64(nlh, UInt16(NFTA_COUNTER_BYTES.rawValue), bytes.bigEndian)
                    mnl_attr_put_u64(nlh, UInt16(NFTA_COUNTER_PACKETS.rawValue), packets.bigEndian)
                case .verdict(let v):
                    u32(NFTA_IMMEDIATE_DREG.rawValue, NFT_REG_VERDICT.rawValue)
                    nest(NFTA_IMMEDIATE_DATA.rawValue) {
                        nest(NFTA_DATA_VERDICT.rawValue) {
                            switch v {
                            case .accept: u32(NFTA_VERDICT_CODE.rawValue, UInt32(NF_ACCEPT))
                            case .drop: u32(NFTA_VERDICT_CODE.rawValue, UInt32(NF_DROP))
                            case .return: u32(NFTA_VERDICT_CODE.rawValue, UInt32(bitPattern: NFT_RETURN.rawValue))
                            case .jump(let chain):
                                u32(NFTA_VERDICT_CODE.rawValue, UInt32(bitPattern: NFT_JUMP.rawValue))
                                strz(NFTA_VERDICT_CHAIN.rawValue, chain)
                            case .goto(let chain):
                                u32(NFTA_VERDICT_CODE.rawValue, UInt32(bitPattern: NFT_GOTO.rawValue))
                                strz(NFTA_VERDICT_CHAIN.rawValue, chain)
                            }
                        }
                    }
                case let .match(name, revision, info):
                    strz(NFTA_MATCH_NAME.rawValue, name)
                    u32(NFTA_MATCH_REV.rawValue, revision)
                    bytes(NFTA_MATCH_INFO.rawValue, info)
                case let .target(name, revision, info):
                    strz(NFTA_TARGET_NAME.rawValue, name)
                    u32(NFTA_TARGET_REV.rawValue, revision)
                    bytes(NFTA_TARGET_INFO.rawValue, info)
                case .immediate, .metaSet, .nat, .other, .translated, .limit:
                    break  // only ever read, never written: NFTRuleCodec refuses rules carrying them
                }
            }
        }

        private func u32(_ type: UInt32, _ v: UInt32) { mnl_attr_put_u32(nlh, UInt16(type), v.bigEndian) }

        /// A NUL-terminated string, passed in place (an implicit String-to-pointer conversion copies it twice).
        private func strz(_ type: UInt32, _ s: String) { s.withCString { mnl_attr_put_strz(nlh, UInt16(type), $0) } }

        private func bytes(_ type: UInt32, _ data: [UInt8]) {
            data.withUnsafeBytes { mnl_attr_put(nlh, UInt16(type), $0.count, $0.baseAddress) }
        }

        /// A data register: NFTA_DATA_VALUE nested in `type`.
        private func value(_ type: UInt32, _ data: [UInt8]) { nest(type) { bytes(NFTA_DATA_VALUE.rawValue, data) } }

        private func nest(_ type: UInt32, _ body: () -> Void) {
            let start = mnl_attr_nest_start(nlh, UInt16(type))
            body()
            mnl_attr_nest_end(nlh, start)
        }
    }

    private static func expressions(of r: OpaquePointer) -> [NFTExpression] {
        guard let iterator = nftnl_expr_iter_create(r) else { return [] }
        defer { nftnl_expr_iter_destroy(iterator) }
        var out: [NFTExpression] = []
        while let x = nftnl_expr_iter_next(iterator) { out.append(expression(x)) }
        return out
    }

    /// The value of a libnftnl expression; what it does not model is kept as libnftnl prints it.
    private static func expression(_ x: OpaquePointer) -> NFTExpression {
        let name = string(nftnl_expr_get_str(x, UInt16(NFTNL_EXPR_NAME))) ?? "?"
        func set(_ a: Int) -> Bool { nftnl_expr_is_set(x, UInt16(a)) }
        func u32(_ a: Int) -> UInt32 { nftnl_expr_get_u32(x, UInt16(a)) }
        func data(_ a: Int) -> [UInt8] {
            var length: UInt32 = 0
            guard let p = nftnl_expr_get(x, UInt16(a), &length) else { return [] }
            return Array(UnsafeRawBufferPointer(start: p, count: Int(length)))
        }
        switch name {
        case "meta" where set(NFTNL_EXPR_META_DREG) && !set(NFTNL_EXPR_META_SREG):
            return .meta(key: u32(NFTNL_EXPR_META_KEY), register: u32(NFTNL_EXPR_META_DREG))
        case "meta" where set(NFTNL_EXPR_META_SREG) && !set(NFTNL_EXPR_META_DREG):
            return .metaSet(key: u32(NFTNL_EXPR_META_KEY), register: u32(NFTNL_EXPR_META_SREG))
        case "payload" where set(NFTNL_EXPR_PAYLOAD_DREG) && !set(NFTNL_EXPR_PAYLOAD_SREG):
            return .payload(
                base: u32(NFTNL_EXPR_PAYLOAD_BASE), offset: u32(NFTNL_EXPR_PAYLOAD_OFFSET),
                length: u32(NFTNL_EXPR_PAYLOAD_LEN), register: u32(NFTNL_EXPR_PAYLOAD_DREG))
        case "bitwise"
        where (!set(NFTNL_EXPR_BITWISE_OP) || u32(NFTNL_EXPR_BITWISE_OP) == NFT_BITWISE_MASK_XOR.rawValue)
            && set(NFTNL_EXPR_BITWISE_MASK) && set(NFTNL_EXPR_BITWISE_XOR):
            return .bitwise(
                source: u32(NFTNL_EXPR_BITWISE_SREG), destination: u32(NFTNL_EXPR_BITWISE_DREG),
                mask: data(NFTNL_EXPR_BITWISE_MASK), xor: data(NFTNL_EXPR_BITWISE_XOR))
        case "cmp":
            if let op = NFTExpression.Comparison(rawValue: u32(NFTNL_EXPR_CMP_OP)) {
                return .cmp(op, register: u32(NFTNL_EXPR_CMP_SREG), data: data(NFTNL_EXPR_CMP_DATA))
            }
        case "range" where u32(NFTNL_EXPR_RANGE_OP) <= NFT_RANGE_NEQ.rawValue:
            return .range(
                negated: u32(NFTNL_EXPR_RANGE_OP) == NFT_RANGE_NEQ.rawValue, register: u32(NFTNL_EXPR_RANGE_SREG),
                from: data(NFTNL_EXPR_RANGE_FROM_DATA), to: data(NFTNL_EXPR_RANGE_TO_DATA))
        case "counter":
            return .counter(
                packets: nftnl_expr_get_u64(x, UInt16(NFTNL_EXPR_CTR_PACKETS)),
                bytes: nftnl_expr_get_u64(x, UInt16(NFTNL_EXPR_CTR_BYTES)))
        case "immediate" where set(NFTNL_EXPR_IMM_VERDICT) && u32(NFTNL_EXPR_IMM_DREG) == NFT_REG_VERDICT.rawValue:
            let chain = string(nftnl_expr_get_str(x, UInt16(NFTNL_EXPR_IMM_CHAIN)))
            switch Int32(bitPattern: u32(NFTNL_EXPR_IMM_VERDICT)) {
            case NF_ACCEPT: return .verdict(.accept)
            case NF_DROP: return .verdict(.drop)
            case NFT_RETURN.rawValue: return .verdict(.return)
            case NFT_JUMP.rawValue: if let chain { return .verdict(.jump(chain)) }
            case NFT_GOTO.rawValue: if let chain { return .verdict(.goto(chain)) }
            default: break
            }
        case "immediate" where set(NFTNL_EXPR_IMM_DATA) && u32(NFTNL_EXPR_IMM_DREG) != NFT_REG_VERDICT.rawValue:
            return .immediate(register: u32(NFTNL_EXPR_IMM_DREG), data: data(NFTNL_EXPR_IMM_DATA))
        case "nat" where u32(NFTNL_EXPR_NAT_FAMILY) == NFPROTO_IPV4:
            func register(_ a: Int) -> UInt32? { set(a) ? u32(a) : nil }
            return .nat(
                .init(
                    destination: u32(NFTNL_EXPR_NAT_TYPE) == NFT_NAT_DNAT.rawValue,
                    addressMin: register(NFTNL_EXPR_NAT_REG_ADDR_MIN), addressMax: register(NFTNL_EXPR_NAT_REG_ADDR_MAX),
                    protoMin: register(NFTNL_EXPR_NAT_REG_PROTO_MIN), protoMax: register(NFTNL_EXPR_NAT_REG_PROTO_MAX),
                    flags: register(NFTNL_EXPR_NAT_FLAGS)))
        case "match":
            return .match(
                name: string(nftnl_expr_get_str(x, UInt16(NFTNL_EXPR_MT_NAME))) ?? "", revision: u32(NFTNL_EXPR_MT_REV),
                info: data(NFTNL_EXPR_MT_INFO))
        case "target":
            return .target(
                name: string(nftnl_expr_get_str(x, UInt16(NFTNL_EXPR_TG_NAME))) ?? "", revision: u32(NFTNL_EXPR_TG_REV),
                info: data(NFTNL_EXPR_TG_INFO))
        case "limit":
            return .limit(
                .init(
                    rate: nftnl_expr_get_u64(x, UInt16(NFTNL_EXPR_LIMIT_RATE)), unit: nftnl_expr_get_u64(x, UInt16(NFTNL_EXPR_LIMIT_UNIT)),
                    burst: u32(NFTNL_EXPR_LIMIT_BURST), type: u32(NFTNL_EXPR_LIMIT_TYPE), flags: u32(NFTNL_EXPR_LIMIT_FLAGS)))
        default:
            break
        }
        var text = [CChar](repeating: 0, count: 4096)
        _ = nftnl_expr_snprintf(&text, text.count, x, UInt32(NFTNL_OUTPUT_DEFAULT.rawValue), 0)
        let attributes = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch name {
        case "log":
            let prefix = set(NFTNL_EXPR_LOG_PREFIX) ? string(nftnl_expr_get_str(x, UInt16(NFTNL_EXPR_LOG_PREFIX))) : nil
            let x = RuleCodec.nflog(
                group: nftnl_expr_get_u16(x, UInt16(NFTNL_EXPR_LOG_GROUP)),
                threshold: nftnl_expr_get_u16(x, UInt16(NFTNL_EXPR_LOG_QTHRESHOLD)),
                snaplen: set(NFTNL_EXPR_LOG_SNAPLEN) ? u32(NFTNL_EXPR_LOG_SNAPLEN) : nil, prefix: prefix)
            return .translated(name: name, attributes: attributes, x, target: true)
        default:
            return .other(name: name, attributes: attributes)
        }
    }

    /// The comment of the rule's userdata.
    private static func comment(of r: OpaquePointer) -> String? {
        var length: UInt32 = 0
        guard nftnl_rule_is_set(r, attr(NFTNL_RULE_USERDATA)),
            let p = nftnl_rule_get_data(r, attr(NFTNL_RULE_USERDATA), &length)
        else { return nil }
        return comment(userdata: UnsafeRawBufferPointer(start: p, count: Int(length)))
    }

    /// The comment of a rule's userdata: TLVs (type u8, length u8, value), iptables-nft's
    /// UDATA_TYPE_COMMENT (0) holding a NUL-terminated string.
    static func comment(userdata: UnsafeRawBufferPointer) -> String? {
        let bytes = Array(userdata)
        var i = 0
        while i + 2 <= bytes.count {
            let type = bytes[i], size = Int(bytes[i + 1])
            guard i + 2 + size <= bytes.count else { return nil }
            let value = bytes[(i + 2)..<(i + 2 + size)]
            if type == 0, value.last == 0 { return String(decoding: value.dropLast(), as: UTF8.self) }
            i += 2 + size
        }
        return nil
    }

    // MARK: netlink exchange

    /// Sends one request and hands every reply object to `body`, until the dump is done or the
    /// request acknowledged; a refusal is thrown with its errno.
    private func request(
        type: nf_tables_msg_types, family: UInt16, flags: Int32,
        payload: (UnsafeMutablePointer<nlmsghdr>) -> Void = { _ in },
        operation: String, object: String,
        _ body: (UnsafeMutablePointer<nlmsghdr>) -> Void
    ) throws(KernelError) {
        let seq = nextSequence()
        var message: [UInt8] = []
        append(to: &message) { buf in
            let nlh = nftnl_nlmsg_build_hdr(buf, UInt16(type.rawValue), family, UInt16(flags), seq)!
            payload(nlh)
            return nlh
        }
        let sent = message.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        if sent < 0 {
            let e = Glibc.errno
            if e == EPERM { throw .notPermitted(operation + " " + object) }
            throw .syscall(call: "sendto", object: "nf_tables \(operation)", errno: e)
        }
        var failure: Int32 = 0
        var interrupted = false
        var done = false
        while !done {
            try receive(operation: operation, object: object) { nlh in
                guard nlh.pointee.nlmsg_seq == seq else { return true }  // left over from an exchange given up on
                if nlh.pointee.nlmsg_flags & UInt16(NLM_F_DUMP_INTR) != 0 { interrupted = true }
                switch Int32(nlh.pointee.nlmsg_type) {
                case NLMSG_ERROR:
                    failure = -Self.errorCode(nlh)
                    done = true
                case NLMSG_DONE:
                    done = true
                default:
                    body(nlh)
                }
                return !done
            }
        }
        if failure == EPERM { throw .notPermitted(operation + " " + object) }
        if failure != 0 { throw .nftables(operation: operation, object: object, errno: failure) }
        // A dump the kernel interrupted (the ruleset changed) is not one state: the caller's generation check rereads.
        if interrupted { throw .nftables(operation: operation, object: object + " (interrupted by a change)", errno: EINTR) }
    }

    /// Reads one datagram and walks its messages with `each`, which returns false to stop.
    private func receive(operation: String, object: String, _ each: (UnsafeMutablePointer<nlmsghdr>) -> Bool) throws(KernelError) {
        let count = received.count
        var length = 0
        repeat {
            length = received.withUnsafeMutableBytes { mnl_socket_recvfrom(socket, $0.baseAddress, count) }
        } while length < 0 && Glibc.errno == EINTR
        if length < 0 {
            let e = Glibc.errno
            if e == EAGAIN || e == EWOULDBLOCK {
                throw .nftables(operation: operation, object: object + " (no reply within \(Self.timeout) s)", errno: ETIMEDOUT)
            }
            throw .syscall(call: "recvfrom", object: "nf_tables \(operation)", errno: e)
        }
        received.withUnsafeMutableBytes { raw in
            var remaining = Int32(length)
            var nlh: UnsafeMutablePointer<nlmsghdr>? = raw.baseAddress!.assumingMemoryBound(to: nlmsghdr.self)
            while let m = nlh, mnl_nlmsg_ok(m, remaining) {
                if !each(m) { return }
                nlh = mnl_nlmsg_next(m, &remaining)
            }
        }
    }

    /// The (negative) errno of an NLMSG_ERROR message; 0 for an acknowledgement.
    private static func errorCode(_ nlh: UnsafeMutablePointer<nlmsghdr>) -> Int32 {
        guard nlh.pointee.nlmsg_len >= UInt32(MemoryLayout<nlmsghdr>.size + MemoryLayout<Int32>.size) else { return -EPROTO }
        return mnl_nlmsg_get_payload(nlh)!.load(as: Int32.self)
    }

    fileprivate static func attr(_ a: nftnl_table_attr) -> UInt16 { UInt16(a.rawValue) }
    fileprivate static func attr(_ a: nftnl_chain_attr) -> UInt16 { UInt16(a.rawValue) }
    fileprivate static func attr(_ a: nftnl_rule_attr) -> UInt16 { UInt16(a.rawValue) }
    private static func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
}
