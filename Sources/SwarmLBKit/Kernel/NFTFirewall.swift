import CNFTables
import Glibc

/// The iptables tables as iptables-nft keeps them in nf_tables (`table ip filter`, ...): read as
/// `iptables-nft -S` shows them, changed in one atomic batch per commit, written with exactly the
/// tables, chains and expressions iptables-nft 1.8.9 would write. Create it after entering the
/// namespace. Mirrors `iptables-nft` / `iptables-nft-restore --noflush`.
public final class NFTFirewall: FirewallBackend {
    public let kind = FirewallBackendKind.nft
    private let nft: NFTables

    public init() throws(KernelError) {
        nft = try NFTables()
    }

    // MARK: reading

    /// `iptables-nft -t TABLE -S`. Reading a table that does not exist creates nothing.
    public func dump(_ table: FirewallTable) throws(KernelError) -> IPTablesDump {
        guard let t = try nft.snapshot(of: table.rawValue).table else { return IPTablesDump(absent: table) }
        var rules: [String: [IPTablesRule]] = [:]
        for r in t.rules { rules[r.chain, default: []].append(NFTRuleCodec.decode(r.expressions, comment: r.comment)) }
        let builtin = table.builtinChains.map { name -> IPTablesDump.Chain in
            // A base chain iptables-nft has not needed yet lists as iptables does: ACCEPT, no counters.
            let c = t.chains.first { $0.name == name }
            let policy = c?.policy == UInt32(NF_DROP) ? "DROP" : "ACCEPT"
            return IPTablesDump.Chain(name: name, policy: policy, packets: c?.counters?.packets ?? 0,
                                      bytes: c?.counters?.bytes ?? 0, rules: rules[name] ?? [])
        }
        let user = t.chains.filter { !table.builtinChains.contains($0.name) }
            .sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            .map { IPTablesDump.Chain(name: $0.name, policy: nil, packets: 0, bytes: 0, rules: rules[$0.name] ?? []) }
        return IPTablesDump(table: table, chains: builtin + user)
    }

    /// The iptables tables present in family ip, in the order iptables-nft-save prints them. Creates nothing.
    public func existingTables() throws(KernelError) -> [FirewallTable] {
        let names = try nft.tableNames()
        return [FirewallTable.mangle, .raw, .filter, .nat].filter { names.contains($0.rawValue) }
    }

    // MARK: writing

    /// `iptables-nft-restore --noflush` of the edits: planned on a fresh read of the table and sent as
    /// one batch pinned to that read's generation; when another writer commits in between, the
    /// kernel refuses the batch (ERESTART) and it is planned again on the new state. Rules are
    /// encoded once, before the first read, to keep the window between read and commit short.
    public func commit(_ table: FirewallTable, _ edits: [FirewallEdit]) throws(KernelError) {
        var prepared: [Prepared] = []
        for edit in edits { prepared.append(try Prepared(edit)) }
        for attempt in 0..<NFTables.attempts {
            // The first replan is at once, as iptables-nft's; later ones wait for a burst to pass.
            if attempt > 1 { NFTables.pause(retry: attempt - 1) }
            let snapshot = try nft.snapshot(of: table.rawValue)
            let plan = try Plan(table, snapshot.table, prepared)
            if plan.messages.isEmpty { return }
            do {
                return try nft.commit(plan.messages, generation: snapshot.generation)
            } catch where error.errno == ERESTART {
                continue
            }
        }
        throw .nftables(operation: "commit", object: "table ip \(table.rawValue) (other writers kept committing first)", errno: ERESTART)
    }

    /// An edit with its rule in nf_tables form and as that form reads back, which is what it is
    /// compared with in the chains (`-i +`, for one, reads back as no -i).
    private struct Prepared {
        let edit: FirewallEdit
        /// What iptables-nft writes for the rule; nil for chain edits and for deleting an unmapped rule.
        let expressions: [NFTExpression]?
        let rule: IPTablesRule?

        init(_ edit: FirewallEdit) throws(KernelError) {
            self.edit = edit
            switch edit {
            case .append(_, let r), .insert(_, _, let r):
                let x = try NFTRuleCodec.encode(r)
                (expressions, rule) = (x, NFTRuleCodec.decode(x))
            case .delete(_, let r):
                // A rule that was read unmapped is found as it was read; it is never written.
                let unmapped = r.matches.contains { if case .unmapped = $0 { true } else { false } }
                let x = unmapped ? nil : try NFTRuleCodec.encode(r)
                (expressions, rule) = (nil, x.map { NFTRuleCodec.decode($0) } ?? r)
            case .createChain, .deleteChain:
                (expressions, rule) = (nil, nil)
            }
        }
    }

    /// The batch that brings one table from what was read to what the edits ask for, judged edit by
    /// edit on the table as the earlier edits leave it.
    private struct Plan {
        var messages: [NFTables.Message] = []
        private let table: FirewallTable
        private var tableExists: Bool
        /// Every chain as it will be, with its rules as read back through the codec.
        private var chains: [String: [(rule: IPTablesRule, reference: NFTables.RuleReference)]] = [:]
        /// How many copies of each rule each chain holds, so that a commit of thousands of rules stays linear.
        private var present: [String: [IPTablesRule: Int]] = [:]
        private var nextID: UInt32 = 0

        init(_ table: FirewallTable, _ read: NFTables.Table?, _ edits: [Prepared]) throws(KernelError) {
            self.table = table
            tableExists = read != nil
            for c in read?.chains ?? [] { chains[c.name] = [] }
            for r in read?.rules ?? [] {
                let rule = NFTRuleCodec.decode(r.expressions, comment: r.comment)
                chains[r.chain, default: []].append((rule, .handle(r.handle)))
                present[r.chain, default: [:]][rule, default: 0] += 1
            }
            for edit in edits { try apply(edit) }
            // Only rules that later messages name keep their id, as iptables-nft gives them.
            var named = Set<UInt32>()
            for m in messages {
                if case .newRule(_, _, _, _, _, .id(let i)?, _) = m { named.insert(i) }
                if case .deleteRule(_, _, .id(let i), _) = m { named.insert(i) }
            }
            messages = messages.map { m in
                guard case let .newRule(t, c, x, compat, id?, before, rule) = m, !named.contains(id) else { return m }
                return .newRule(table: t, chain: c, expressions: x, compat: compat, id: nil, before: before, rule: rule)
            }
        }

        private var name: String { table.rawValue }

        private mutating func apply(_ p: Prepared) throws(KernelError) {
            switch p.edit {
            case let .append(chain, rule):
                try add(rule, p, to: chain, at: nil)
            case let .insert(chain, index, rule):
                try add(rule, p, to: chain, at: index)
            case let .delete(chain, rule):
                let wanted = p.rule!
                guard present[chain]?[wanted] != nil, let index = chains[chain]?.firstIndex(where: { $0.rule == wanted }) else { return }
                let reference = chains[chain]!.remove(at: index).reference
                present[chain]![wanted]! -= 1
                if present[chain]![wanted]! == 0 { present[chain]![wanted] = nil }
                messages.append(.deleteRule(table: name, chain: chain, reference, rule: rule))
            case .createChain(let chain):
                // A built-in chain always exists for iptables, whether or not its base chain does yet.
                guard chains[chain] == nil, !table.builtinChains.contains(chain) else { return }
                createTable()
                messages.append(.newChain(table: name, chain: chain))
                chains[chain] = []
            case .deleteChain(let chain):
                guard let rules = chains[chain] else { return }
                if table.builtinChains.contains(chain) {
                    throw .nftables(operation: "delete chain", object: "\(chain) in table ip \(name): a built-in chain", errno: EINVAL)
                }
                if !rules.isEmpty { messages.append(.flushChain(table: name, chain: chain)) }
                messages.append(.deleteChain(table: name, chain: chain))
                chains[chain] = nil
                present[chain] = nil
            }
        }

        /// Appends (`index` nil) or inserts, unless the chain already holds the rule.
        private mutating func add(_ rule: IPTablesRule, _ p: Prepared, to chain: String, at index: Int?) throws(KernelError) {
            let wanted = p.rule!
            createBuiltin(chain)
            // Only the count: a copy of the array kept alive here would make every append copy it.
            guard let count = chains[chain]?.count else {
                throw .nftables(operation: index == nil ? "append" : "insert",
                                object: "to chain \(chain) in table ip \(name): no such chain", errno: ENOENT)
            }
            if present[chain]?[wanted] != nil { return }
            nextID += 1
            let at = min(index ?? count, count)
            let before = at < count ? chains[chain]![at].reference : nil
            messages.append(.newRule(table: name, chain: chain, expressions: p.expressions!, compat: NFTRuleCodec.compat(rule),
                                     id: nextID, before: before, rule: rule))
            chains[chain]!.insert((wanted, .id(nextID)), at: at)
            present[chain, default: [:]][wanted, default: 0] += 1
        }

        private mutating func createTable() {
            if tableExists { return }
            messages.append(.newTable(name))
            tableExists = true
        }

        /// iptables-nft creates a built-in chain's base chain when a rule first goes into it.
        private mutating func createBuiltin(_ chain: String) {
            guard chains[chain] == nil, let base = BaseChain(table, chain) else { return }
            createTable()
            messages.append(.newBaseChain(table: name, chain: chain, type: base.type, hook: base.hook, priority: base.priority))
            chains[chain] = []
        }
    }

    /// The type, hook and priority iptables-nft gives a built-in chain.
    private struct BaseChain {
        let type: String
        let hook: UInt32
        let priority: Int32

        init?(_ table: FirewallTable, _ chain: String) {
            guard table.builtinChains.contains(chain) else { return nil }
            let hooks: [String: UInt32] = ["PREROUTING": NF_INET_PRE_ROUTING.rawValue, "INPUT": NF_INET_LOCAL_IN.rawValue,
                                          "FORWARD": NF_INET_FORWARD.rawValue, "OUTPUT": NF_INET_LOCAL_OUT.rawValue,
                                          "POSTROUTING": NF_INET_POST_ROUTING.rawValue]
            hook = hooks[chain]!
            switch table {
            case .raw: (type, priority) = ("filter", -300)  // NF_IP_PRI_RAW
            case .mangle: (type, priority) = (chain == "OUTPUT" ? "route" : "filter", -150)  // NF_IP_PRI_MANGLE
            case .filter: (type, priority) = ("filter", 0)  // NF_IP_PRI_FILTER
            // NF_IP_PRI_NAT_DST before routing, NF_IP_PRI_NAT_SRC after.
            case .nat: (type, priority) = ("nat", chain == "PREROUTING" || chain == "OUTPUT" ? -100 : 100)
            }
        }
    }
}
