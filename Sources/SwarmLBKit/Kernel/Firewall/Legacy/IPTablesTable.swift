import CIPTC
import Glibc

/// One legacy iptables table (`iptables-legacy -t mangle|nat|filter|raw`) as a libiptc handle (its own copy of the table):
/// read its chains and rules, change them, and commit the whole table back at once.
/// `LegacyFirewall` is its only user: it holds the xtables lock around `modify`.
final class IPTablesTable {
    let name: FirewallTable
    private let handle: OpaquePointer

    private init(_ name: FirewallTable) throws(KernelError) {
        guard let h = iptc_init(name.rawValue) else {
            let e = Glibc.errno
            if e == EPERM || e == EACCES { throw .notPermitted("reading iptables table \(name.rawValue)") }
            throw Self.failure("init", name, e)
        }
        self.name = name
        handle = h
    }

    deinit { iptc_free(handle) }

    /// A read-only copy of the table (which libiptc creates if it does not exist). `iptables-legacy -t TABLE -S`.
    static func read(_ name: FirewallTable) throws(KernelError) -> IPTablesTable {
        try IPTablesTable(name)
    }

    /// Runs `body` on a fresh copy and commits it if it changed anything. The caller holds
    /// the xtables lock; a commit refused with EAGAIN (a writer that ignores the lock changed the
    /// table under us) is retried on a new copy.
    @discardableResult
    static func modify<T>(_ name: FirewallTable, _ body: (IPTablesTable) throws(KernelError) -> T) throws(KernelError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            let table = try IPTablesTable(name)
            let result = try body(table)
            if !table.changed { return result }
            if iptc_commit(table.handle) != 0 { return result }
            let e = Glibc.errno
            if e == EAGAIN && attempt < 10 { continue }
            throw failure("commit", name, e)
        }
    }

    private var changed = false

    private static func failure(_ operation: String, _ name: FirewallTable, _ e: Int32) -> KernelError {
        .iptables(operation: operation, table: name.rawValue, errno: e, message: String(cString: iptc_strerror(e)))
    }

    private func check(_ r: Int32, _ operation: String) throws(KernelError) {
        if r == 0 { throw Self.failure(operation, name, Glibc.errno) }
        changed = true
    }

    // MARK: reading

    /// Chains in the table's order: built-in chains first, then user chains sorted by name.
    var chains: [String] {
        var result: [String] = []
        var c = iptc_first_chain(handle)
        while let chain = c {
            result.append(String(cString: chain))
            c = iptc_next_chain(handle)
        }
        return result
    }

    func exists(chain: String) -> Bool { iptc_is_chain(chain, handle) != 0 }
    func isBuiltin(chain: String) -> Bool { iptc_builtin(chain, handle) != 0 }

    /// The policy of a built-in chain (ACCEPT/DROP), nil for a user chain.
    func policy(of chain: String) -> String? {
        var counters = xt_counters()
        return iptc_get_policy(chain, &counters, handle).map { String(cString: $0) }
    }

    /// The policy packet and byte counters of a built-in chain.
    func policyCounters(of chain: String) -> (packets: UInt64, bytes: UInt64) {
        var counters = xt_counters()
        _ = iptc_get_policy(chain, &counters, handle)
        return (counters.pcnt, counters.bcnt)
    }

    /// The whole table streamed: its chains in iptables' order with their policies (and no rules) given
    /// to `chains`, then each chain's rules in order, each decoded as it is given to `rule` with its
    /// chain's index; `spelled` as for `forEachRule`.
    func stream(
        spelled: Bool, chains give: ([IPTablesDump.Chain]) throws(KernelError) -> Void,
        rule: (Int, IPTablesRule) throws(KernelError) -> Void
    ) throws(KernelError) {
        let names = chains
        try give(
            names.map { chain in
                let builtin = isBuiltin(chain: chain)
                let counters = builtin ? policyCounters(of: chain) : (0, 0)
                return IPTablesDump.Chain(
                    name: chain, policy: builtin ? policy(of: chain) : nil, packets: counters.0, bytes: counters.1, rules: [])
            })
        for (i, chain) in names.enumerated() {
            try forEachRule(in: chain, spelled: spelled) { (r) throws(KernelError) in try rule(i, r) }
        }
    }

    /// The tables instantiated in this namespace, in the kernel's order (/proc/net/ip_tables_names),
    /// which is the order iptables-save prints them in.
    static func instantiated() throws(KernelError) -> [FirewallTable] {
        let names: String
        do { names = try ProcFile.read("/proc/thread-self/net/ip_tables_names") } catch  where error.errno == ENOENT {
            return []  // no ip_tables module loaded: no legacy table anywhere
        }
        return names.split(separator: "\n").compactMap { FirewallTable(rawValue: String($0)) }
    }

    /// The rules of a chain, in order, as planning compares them.
    func rules(in chain: String) -> [IPTablesRule] {
        var result: [IPTablesRule] = []
        // Counted first, so the array is allocated once: growing it would touch twice its pages.
        var count = 0
        var c = iptc_first_rule(chain, handle)
        while let entry = c {
            count += 1
            c = iptc_next_rule(entry, handle)
        }
        result.reserveCapacity(count)
        forEachRule(in: chain, spelled: false) { result.append($0) }
        return result
    }

    /// Each rule of a chain in order, decoded as it is given to `body`; `spelled`: extensions swarmlb
    /// does not decode carry libxtables' text (for listing; planning compares bytes and needs none).
    func forEachRule<E: Error>(in chain: String, spelled: Bool, _ body: (IPTablesRule) throws(E) -> Void) throws(E) {
        var names = ExtensionNames()
        var e = iptc_first_rule(chain, handle)
        while let entry = e {
            let rule = RuleCodec.decode(
                entry, targetName: { String(cString: iptc_get_target(entry, handle)) }, names: &names, spelled: spelled)
            try body(rule)
            e = iptc_next_rule(entry, handle)
        }
    }

    // MARK: changing (take effect at commit, inside `modify`)

    /// `iptables -A CHAIN RULE`.
    func append(_ rule: IPTablesRule, to chain: String) throws(KernelError) {
        let bytes = RuleCodec.encode(rule)
        let r = bytes.withUnsafeBytes { iptc_append_entry(chain, $0.baseAddress!.assumingMemoryBound(to: ipt_entry.self), handle) }
        try check(r, "append to \(chain)")
    }

    /// `iptables -I CHAIN N RULE` (index 0 = first).
    func insert(_ rule: IPTablesRule, in chain: String, at index: Int) throws(KernelError) {
        let bytes = RuleCodec.encode(rule)
        let r = bytes.withUnsafeBytes {
            iptc_insert_entry(chain, $0.baseAddress!.assumingMemoryBound(to: ipt_entry.self), UInt32(index), handle)
        }
        try check(r, "insert into \(chain)")
    }

    /// `iptables -D CHAIN N` (index 0 = first).
    func delete(ruleAt index: Int, in chain: String) throws(KernelError) {
        try check(iptc_delete_num_entry(chain, UInt32(index), handle), "delete from \(chain)")
    }

    /// `iptables -N CHAIN`.
    func create(chain: String) throws(KernelError) {
        try check(iptc_create_chain(chain, handle), "create chain \(chain)")
    }

    /// `iptables -F CHAIN`.
    func flush(chain: String) throws(KernelError) {
        try check(iptc_flush_entries(chain, handle), "flush chain \(chain)")
    }

    /// `iptables -X CHAIN`.
    func delete(chain: String) throws(KernelError) {
        try check(iptc_delete_chain(chain, handle), "delete chain \(chain)")
    }
}
