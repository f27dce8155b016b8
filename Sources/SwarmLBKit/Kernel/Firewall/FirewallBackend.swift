/// One edit of a firewall table. A commit applies a list of them at once.
public enum FirewallEdit: Sendable, Hashable {
    /// `iptables -A CHAIN RULE`; nothing when the chain already holds an equal rule.
    case append(chain: String, IPTablesRule)
    /// `iptables -I CHAIN N RULE` (index 0 = first; past the end = append); nothing when the chain already holds it.
    case insert(chain: String, index: Int, IPTablesRule)
    /// `iptables -D CHAIN RULE`: the first equal rule; nothing when there is none.
    case delete(chain: String, IPTablesRule)
    /// `iptables -N CHAIN`; nothing when it exists.
    case createChain(String)
    /// `iptables -F CHAIN; iptables -X CHAIN`; nothing when it does not exist.
    case deleteChain(String)
}

/// A namespace's iptables tables in one backend: read as `iptables -S` shows them, changed in
/// atomic commits. Create it after entering the namespace. Mirrors `iptables-legacy` / `iptables-nft`.
public protocol FirewallBackend: AnyObject {
    var kind: FirewallBackendKind { get }

    /// The table streamed: its chains (built-in chains in hook order, then user chains by name) with
    /// their policies but not their rules, given to `chains`, then every rule in order, decoded as it is
    /// given to `rule` with its chain's index there, and not kept. A match or target swarmlb does not
    /// decode is kept as its bytes, as planning compares them; `forListing`, it also carries the text
    /// iptables' own plugin prints for it (`OpaqueExtension`), which only a listing needs. A
    /// table that does not exist reads as its built-in chains with ACCEPT policies and is not created.
    func read(
        _ table: FirewallTable, forListing: Bool, chains: ([IPTablesDump.Chain]) throws(KernelError) -> Void,
        rule: (_ chain: Int, _ rule: IPTablesRule) throws(KernelError) -> Void
    ) throws(KernelError)

    /// The tables that exist in this namespace, in the order `iptables-save` prints them. Creates nothing.
    func existingTables() throws(KernelError) -> [FirewallTable]

    /// Applies `edits` to one table in one atomic commit (libiptc commit, or one nf_tables batch).
    /// Each edit is judged against the table as it is when committed, so a rule another writer
    /// added meanwhile is not duplicated; a commit that loses a race with another writer is
    /// redone on the new state. `iptables-restore --noflush` of the edits.
    func commit(_ table: FirewallTable, _ edits: [FirewallEdit]) throws(KernelError)

    /// Keeps the backend's other writers out until `releaseWriteLock()`, from a transaction's first
    /// read to its last change. Legacy iptables takes the xtables lock (`iptables -w`); nf_tables
    /// needs none: its batches are atomic and generation-checked.
    func takeWriteLock() throws(KernelError)
    func releaseWriteLock()
}

extension FirewallBackend {
    /// The whole table as one value, as planning compares it.
    public func dump(_ table: FirewallTable) throws(KernelError) -> IPTablesDump {
        try IPTablesDump.gathered(table) { (chains, rule) throws(KernelError) in
            try read(table, forListing: false, chains: chains, rule: rule)
        }
    }

    /// `iptables -t TABLE -S` as one value (`inspect iptables --json`, swarmlb-fw); `inspect iptables`
    /// streams it with `read(_:forListing:chains:rule:)`, a listing of any length holding one rule at a
    /// time, as iptables does.
    public func listing(_ table: FirewallTable) throws(KernelError) -> IPTablesDump {
        try IPTablesDump.gathered(table) { (chains, rule) throws(KernelError) in
            try read(table, forListing: true, chains: chains, rule: rule)
        }
    }
}
