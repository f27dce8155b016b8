import Glibc

/// The legacy x_tables backend (`iptables-legacy`): tables through libiptc, each commit under
/// the xtables lock, as iptables does.
public final class LegacyFirewall: FirewallBackend {
    public let kind = FirewallBackendKind.legacy
    let waiting: XtablesLock.Waiting

    /// `lockWait`: seconds to wait for the xtables lock (nil: forever, as `iptables -w`);
    /// `notice` is told once when the wait passes a second.
    public init(lockWait: Double?, notice: @escaping (String) -> Void) {
        waiting = .init(seconds: lockWait, notice: notice)
    }

    /// Reads a table without creating it: a table not instantiated in this namespace
    /// (/proc/net/ip_tables_names) reads as its empty built-in chains, as iptables lists it.
    public func dump(_ table: FirewallTable) throws(KernelError) -> IPTablesDump {
        guard try existingTables().contains(table) else { return IPTablesDump(absent: table) }
        return try IPTablesTable.read(table).dump()
    }

    public func existingTables() throws(KernelError) -> [FirewallTable] { try IPTablesTable.instantiated() }

    public func commit(_ table: FirewallTable, _ edits: [FirewallEdit]) throws(KernelError) {
        try XtablesLock.held(waiting) { () throws(KernelError) in
            try IPTablesTable.modify(table) { t throws(KernelError) in
                for edit in edits { try apply(edit, to: t) }
            }
        }
    }

    private func apply(_ edit: FirewallEdit, to t: IPTablesTable) throws(KernelError) {
        switch edit {
        case let .append(chain, rule):
            if !t.rules(in: chain).contains(rule) { try t.append(rule, to: chain) }
        case let .insert(chain, index, rule):
            let rules = t.rules(in: chain)
            if !rules.contains(rule) { try t.insert(rule, in: chain, at: min(index, rules.count)) }
        case let .delete(chain, rule):
            if t.exists(chain: chain), let i = t.rules(in: chain).firstIndex(of: rule) { try t.delete(ruleAt: i, in: chain) }
        case .createChain(let chain):
            if !t.exists(chain: chain) { try t.create(chain: chain) }
        case .deleteChain(let chain):
            if t.exists(chain: chain) {
                try t.flush(chain: chain)
                try t.delete(chain: chain)
            }
        }
    }
}
