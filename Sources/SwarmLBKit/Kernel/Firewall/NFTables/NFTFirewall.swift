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

    /// None needed: each batch is atomic and carries the generation it was planned on.
    public func takeWriteLock() {}

    public func releaseWriteLock() {}

    // MARK: reading

    /// Reading a table that does not exist creates nothing. `iptables-nft -t TABLE -S` when `forListing`.
    public func read(
        _ table: FirewallTable, forListing: Bool, chains give: ([IPTablesDump.Chain]) throws(KernelError) -> Void,
        rule: (_ chain: Int, _ rule: IPTablesRule) throws(KernelError) -> Void
    ) throws(KernelError) {
        guard let t = try nft.consistentRead(of: table.rawValue).table else { return try give(IPTablesDump(absent: table).chains) }
        let builtin = table.builtinChains.map { name -> IPTablesDump.Chain in
            // A base chain iptables-nft has not needed yet lists as iptables does: ACCEPT, no counters.
            let c = t.chains.first { $0.name == name }
            let policy = c?.policy == UInt32(NF_DROP) ? "DROP" : "ACCEPT"
            return IPTablesDump.Chain(
                name: name, policy: policy, packets: c?.counters?.packets ?? 0, bytes: c?.counters?.bytes ?? 0, rules: [])
        }
        let user = t.chains.filter { !table.builtinChains.contains($0.name) }
            .sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            .map { IPTablesDump.Chain(name: $0.name, policy: nil, packets: 0, bytes: 0, rules: []) }
        let chains = builtin + user
        try give(chains)
        // A chain's rules come as runs of the table's rules, in order.
        var runs: [String: [Range<Int>]] = [:]
        var start = t.rules.startIndex
        while start < t.rules.endIndex {
            let chain = t.rules[start].chain
            let end = t.rules[start...].firstIndex { $0.chain != chain } ?? t.rules.endIndex
            runs[chain, default: []].append(start..<end)
            start = end
        }
        for (i, c) in chains.enumerated() {
            for run in runs[c.name] ?? [] {
                for r in t.rules[run] {
                    var decoded = NFTRuleCodec.decode(r.expressions, comment: r.comment)
                    if forListing { XtablesPrinter.spell(&decoded) }
                    try rule(i, decoded)
                }
            }
        }
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
        prepared.reserveCapacity(edits.count)
        for edit in edits { prepared.append(try Prepared(edit)) }
        // How many rules the edits add to each chain: a function of the edits alone, counted once.
        var adds: [String: Int] = [:]
        for edit in edits {
            switch edit {
            case .append(let chain, _), .insert(let chain, _, _): adds[chain, default: 0] += 1
            case .delete, .createChain, .deleteChain: break
            }
        }
        let start = NFTables.monotonicSeconds()
        var attempt = 0
        while attempt < 2 || NFTables.monotonicSeconds() - start < NFTables.patience {
            // The first replan is at once, as iptables-nft's; later ones wait for a burst to pass.
            if attempt > 1 { NFTables.pause(retry: attempt - 1) }
            attempt += 1
            let read = try nft.consistentRead(of: table.rawValue)
            let plan = try Plan(table, read.table, prepared, adds: adds)
            if plan.messages.isEmpty { return }
            do {
                return try nft.commit(plan.messages, generation: read.generation)
            } catch  where error.errno == ERESTART {
                continue
            }
        }
        throw .nftables(operation: "commit", object: "table ip \(table.rawValue) (other writers kept committing first)", errno: ERESTART)
    }

    /// An edit with its rule in nf_tables form, encoded once before the table is read.
    private struct Prepared {
        let edit: FirewallEdit
        /// What iptables-nft writes for an added rule; nil for other edits.
        let expressions: [NFTExpression]?
        /// For a delete, the rule as it reads back (`-i +`, for one, reads back as no -i), which is
        /// what the chain's rules are compared with; a rule that was read unmapped is found as it was read.
        let deleted: IPTablesRule?

        init(_ edit: FirewallEdit) throws(KernelError) {
            self.edit = edit
            switch edit {
            case .append(_, let r), .insert(_, _, let r):
                (expressions, deleted) = (try NFTRuleCodec.encode(r), nil)
            case .delete(_, let r):
                let unmapped = r.matches.contains { if case .unmapped = $0 { true } else { false } }
                (expressions, deleted) = (nil, unmapped ? r : NFTRuleCodec.decode(try NFTRuleCodec.encode(r)))
            case .createChain, .deleteChain:
                (expressions, deleted) = (nil, nil)
            }
        }

        /// The added rule as it will read back, decoded only when a chain read from the kernel has rules to compare it with.
        var readBack: IPTablesRule { NFTRuleCodec.decode(expressions!) }
    }

    /// The batch that brings one table from what was read to what the edits ask for, judged edit by
    /// edit on the table as the earlier edits leave it.
    private struct Plan {
        private(set) var messages: [NFTables.Message] = []
        private let table: FirewallTable
        private var tableExists: Bool
        /// What keeps the table even when its chains are empty: sets or other objects, a base chain with a DROP policy.
        private let tableHoldsMore: Bool
        /// Every chain as it will be.
        private var chains: [String: Chain] = [:]
        /// The message index of each rule added (by its id - 1), so a later message naming it can give it its id.
        private var addedMessages: [Int] = []
        /// How many rules the edits add to each chain, so that a chain's room for them is made once.
        private let adds: [String: Int]

        /// A chain's rules, each as read from the kernel (decoded) or as added by this batch (as given),
        /// with counts of each, so that a commit of thousands of rules stays linear.
        private struct Chain {
            enum Rule {
                case read(IPTablesRule)
                case added(IPTablesRule, [NFTExpression])
            }
            var rules: [(rule: Rule, reference: NFTables.RuleReference)] = []
            var read: [Key: Int] = [:]
            var added: [Key: Int] = [:]

            /// A rule with its hash worked out once: a rule is looked up more than once, and a growing
            /// table hashes every key again.
            struct Key: Hashable {
                let rule: IPTablesRule
                let hash: Int
                init(_ rule: IPTablesRule) {
                    self.rule = rule
                    hash = rule.hashValue
                }
                static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.rule == b.rule }
                func hash(into hasher: inout Hasher) { hasher.combine(hash) }
            }

            /// Whether the chain holds the rule `key` names (as given), or a rule reading back as it does.
            func contains(_ key: Key, _ p: Prepared) -> Bool {
                added[key] != nil || (!read.isEmpty && read[Key(p.readBack)] != nil)
            }

            /// Room for `count` more added rules.
            mutating func reserve(_ count: Int) {
                rules.reserveCapacity(rules.count + count)
                added.reserveCapacity(added.count + count)
            }

            /// Removes the first rule reading back as `wanted`; returns its reference.
            mutating func remove(readingBackAs wanted: IPTablesRule, given: IPTablesRule) -> NFTables.RuleReference? {
                let index = rules.firstIndex { entry in
                    switch entry.rule {
                    case .read(let r): return r == wanted
                    case let .added(r, x): return r == given || NFTRuleCodec.decode(x) == wanted
                    }
                }
                guard let index else { return nil }
                let entry = rules.remove(at: index)
                switch entry.rule {
                case .read(let r): Self.decrement(&read, r)
                case .added(let r, _): Self.decrement(&added, r)
                }
                return entry.reference
            }

            private static func decrement(_ counts: inout [Key: Int], _ r: IPTablesRule) {
                let key = Key(r)
                counts[key]! -= 1
                if counts[key] == 0 { counts[key] = nil }
            }
        }

        init(_ table: FirewallTable, _ read: NFTables.Table?, _ edits: [Prepared], adds: [String: Int]) throws(KernelError) {
            self.table = table
            tableExists = read != nil
            tableHoldsMore = read.map { t in t.holdsMoreThanChains || t.chains.contains { $0.policy == UInt32(NF_DROP) } } ?? false
            self.adds = adds
            for c in read?.chains ?? [] { chains[c.name] = Chain() }
            for r in read?.rules ?? [] {
                let rule = NFTRuleCodec.decode(r.expressions, comment: r.comment)
                chains[r.chain, default: Chain()].rules.append((.read(rule), .handle(r.handle)))
                chains[r.chain]!.read[Chain.Key(rule), default: 0] += 1
            }
            // A message per edit, and the table and base chains the first adds may create.
            messages.reserveCapacity(edits.count + table.builtinChains.count + 2)
            for edit in edits { try apply(edit) }
            deleteTableLeftEmpty()
        }

        /// A batch that changes the table and leaves it with no rule and no user chain deletes it:
        /// so a rollback removes the table (and base chains) its change created, and removing
        /// swarmlb's last rule leaves no empty table behind. iptables lists the table the same either way.
        private mutating func deleteTableLeftEmpty() {
            guard !messages.isEmpty, tableExists, !tableHoldsMore,
                chains.allSatisfy({ name, chain in chain.rules.isEmpty && table.builtinChains.contains(name) })
            else { return }
            messages.append(.deleteTable(name))
            tableExists = false
        }

        private var name: String { table.rawValue }

        private mutating func apply(_ p: Prepared) throws(KernelError) {
            switch p.edit {
            case let .append(chain, rule):
                try add(rule, p, to: chain, at: nil)
            case let .insert(chain, index, rule):
                try add(rule, p, to: chain, at: index)
            case let .delete(chain, rule):
                guard let reference = chains[chain]?.remove(readingBackAs: p.deleted!, given: rule) else { return }
                messages.append(.deleteRule(table: name, chain: chain, named(reference), rule: rule))
            case .createChain(let chain):
                // A built-in chain always exists for iptables, whether or not its base chain does yet.
                guard chains[chain] == nil, !table.builtinChains.contains(chain) else { return }
                createTable()
                messages.append(.newChain(table: name, chain: chain))
                chains[chain] = Chain()
            case .deleteChain(let chain):
                guard let c = chains[chain] else { return }
                if table.builtinChains.contains(chain) {
                    throw .nftables(operation: "delete chain", object: "\(chain) in table ip \(name): a built-in chain", errno: EINVAL)
                }
                if !c.rules.isEmpty { messages.append(.flushChain(table: name, chain: chain)) }
                messages.append(.deleteChain(table: name, chain: chain))
                chains[chain] = nil
            }
        }

        /// Appends (`index` nil) or inserts, unless the chain already holds the rule.
        private mutating func add(_ rule: IPTablesRule, _ p: Prepared, to chain: String, at index: Int?) throws(KernelError) {
            createBuiltin(chain)
            // The chain found once and changed in place through its index: a copy of it kept alive here
            // would make the insert below copy its rules.
            guard let c = chains.index(forKey: chain) else {
                throw .nftables(
                    operation: index == nil ? "append" : "insert",
                    object: "to chain \(chain) in table ip \(name): no such chain", errno: ENOENT)
            }
            let key = Chain.Key(rule)
            if chains.values[c].contains(key, p) { return }
            if chains.values[c].added.isEmpty { chains.values[c].reserve(adds[chain] ?? 0) }
            let count = chains.values[c].rules.count
            let at = min(index ?? count, count)
            let before = at < count ? named(chains.values[c].rules[at].reference) : nil
            // Only rules that later messages name get an id, as iptables-nft gives them (see `named`).
            messages.append(
                .newRule(
                    table: name, chain: chain, expressions: p.expressions!, compat: NFTRuleCodec.compat(rule),
                    id: nil, before: before, rule: rule))
            addedMessages.append(messages.count - 1)
            let id = UInt32(addedMessages.count)
            if at == count {
                chains.values[c].rules.append((.added(rule, p.expressions!), .id(id)))
            } else {
                chains.values[c].rules.insert((.added(rule, p.expressions!), .id(id)), at: at)
            }
            chains.values[c].added[key, default: 0] += 1
        }

        /// A reference a message is about to use: a rule added earlier in the batch gets its id now.
        private mutating func named(_ reference: NFTables.RuleReference) -> NFTables.RuleReference {
            if case .id(let id) = reference { messages[addedMessages[Int(id) - 1]].give(id: id) }
            return reference
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
            chains[chain] = Chain()
        }
    }

    /// The type, hook and priority iptables-nft gives a built-in chain.
    private struct BaseChain {
        let type: String
        let hook: UInt32
        let priority: Int32

        init?(_ table: FirewallTable, _ chain: String) {
            guard table.builtinChains.contains(chain) else { return nil }
            let hooks: [String: UInt32] = [
                "PREROUTING": NF_INET_PRE_ROUTING.rawValue, "INPUT": NF_INET_LOCAL_IN.rawValue,
                "FORWARD": NF_INET_FORWARD.rawValue, "OUTPUT": NF_INET_LOCAL_OUT.rawValue,
                "POSTROUTING": NF_INET_POST_ROUTING.rawValue,
            ]
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
