import Glibc

/// The legacy x_tables backend (`iptables-legacy`): tables through libiptc, each commit under
/// the xtables lock, as iptables does.
public final class LegacyFirewall: FirewallBackend {
    public let kind = FirewallBackendKind.legacy
    private let waiting: XtablesLock.Waiting

    /// `lockWait`: seconds to wait for the xtables lock (nil: forever, as `iptables -w`);
    /// `notice` is told once when the wait passes a second.
    public init(lockWait: Double?, notice: @escaping (String) -> Void) {
        waiting = .init(seconds: lockWait, notice: notice)
    }

    /// Reads a table without creating it: a table not instantiated in this namespace
    /// (/proc/net/ip_tables_names) reads as its empty built-in chains, as iptables lists it.
    public func read(
        _ table: FirewallTable, forListing: Bool, chains: ([IPTablesDump.Chain]) throws(KernelError) -> Void,
        rule: (_ chain: Int, _ rule: IPTablesRule) throws(KernelError) -> Void
    ) throws(KernelError) {
        guard try existingTables().contains(table) else { return try chains(IPTablesDump(absent: table).chains) }
        try IPTablesTable.read(table).stream(spelled: forListing, chains: chains, rule: rule)
    }

    public func existingTables() throws(KernelError) -> [FirewallTable] { try IPTablesTable.instantiated() }

    public func takeWriteLock() throws(KernelError) { try XtablesLock.take(waiting) }

    public func releaseWriteLock() { XtablesLock.release() }

    public func commit(_ table: FirewallTable, _ edits: [FirewallEdit]) throws(KernelError) {
        try XtablesLock.held(waiting) { () throws(KernelError) in
            try IPTablesTable.modify(table) { t throws(KernelError) in
                var chains = ChainCache(table: t)
                for edit in edits { try apply(edit, to: t, &chains) }
            }
        }
    }

    /// Each touched chain's rules, decoded once per commit and kept in step with the edits, so a
    /// commit of many rules stays linear.
    private struct ChainCache {
        let table: IPTablesTable
        private var rules: [String: [IPTablesRule]] = [:]
        private var counts: [String: [IPTablesRule: Int]] = [:]

        init(table: IPTablesTable) { self.table = table }

        mutating func load(_ chain: String) {
            guard rules[chain] == nil else { return }
            let list = table.exists(chain: chain) ? table.rules(in: chain) : []
            rules[chain] = list
            counts[chain] = list.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        }
        mutating func contains(_ rule: IPTablesRule, in chain: String) -> Bool {
            load(chain)
            return counts[chain]![rule, default: 0] > 0
        }
        mutating func count(_ chain: String) -> Int {
            load(chain)
            return rules[chain]!.count
        }
        mutating func index(of rule: IPTablesRule, in chain: String) -> Int? {
            contains(rule, in: chain) ? rules[chain]!.firstIndex(of: rule) : nil
        }
        mutating func inserted(_ rule: IPTablesRule, in chain: String, at index: Int) {
            rules[chain]!.insert(rule, at: index)
            counts[chain]![rule, default: 0] += 1
        }
        mutating func removed(at index: Int, in chain: String) {
            let rule = rules[chain]!.remove(at: index)
            counts[chain]![rule]! -= 1
        }
        mutating func dropped(_ chain: String) {
            rules[chain] = nil
            counts[chain] = nil
        }
    }

    private func apply(_ edit: FirewallEdit, to t: IPTablesTable, _ chains: inout ChainCache) throws(KernelError) {
        switch edit {
        case let .append(chain, rule):
            guard !chains.contains(rule, in: chain) else { return }
            try t.append(rule, to: chain)
            chains.inserted(rule, in: chain, at: chains.count(chain))
        case let .insert(chain, index, rule):
            guard !chains.contains(rule, in: chain) else { return }
            let at = min(index, chains.count(chain))
            try t.insert(rule, in: chain, at: at)
            chains.inserted(rule, in: chain, at: at)
        case let .delete(chain, rule):
            guard let i = chains.index(of: rule, in: chain) else { return }
            try t.delete(ruleAt: i, in: chain)
            chains.removed(at: i, in: chain)
        case .createChain(let chain):
            if !t.exists(chain: chain) { try t.create(chain: chain) }
            chains.dropped(chain)
        case .deleteChain(let chain):
            if t.exists(chain: chain) {
                try t.flush(chain: chain)
                try t.delete(chain: chain)
            }
            chains.dropped(chain)
        }
    }
}
