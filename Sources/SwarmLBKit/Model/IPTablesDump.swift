/// One iptables table as read from the kernel: every chain, in iptables' order (built-in chains in
/// hook order, then user chains by name), with policy, policy counters and rules.
public struct IPTablesDump: Sendable {
    public struct Chain: Sendable {
        public var name: String
        /// ACCEPT/DROP for a built-in chain, nil for a user chain.
        public var policy: String?
        public var packets: UInt64
        public var bytes: UInt64
        public var rules: [IPTablesRule]

        public init(name: String, policy: String?, packets: UInt64, bytes: UInt64, rules: [IPTablesRule]) {
            self.name = name
            self.policy = policy
            self.packets = packets
            self.bytes = bytes
            self.rules = rules
        }
    }

    public var table: FirewallTable
    public var chains: [Chain]

    public init(table: FirewallTable, chains: [Chain]) {
        self.table = table
        self.chains = chains
    }

    /// A table that does not exist, as iptables lists it: its built-in chains, ACCEPT, no rules.
    public init(absent table: FirewallTable) {
        self.init(table: table, chains: table.builtinChains.map { Chain(name: $0, policy: "ACCEPT", packets: 0, bytes: 0, rules: []) })
    }

    public func chain(_ name: String) -> Chain? { chains.first { $0.name == name } }

    /// The table a streamed read gives (as `FirewallBackend.read` streams it: the chains without
    /// their rules, then each rule with its chain's index), gathered into one value.
    public static func gathered<E: Error>(
        _ table: FirewallTable,
        _ read: (_ chains: ([Chain]) throws(E) -> Void, _ rule: (Int, IPTablesRule) throws(E) -> Void) throws(E) -> Void
    ) throws(E) -> IPTablesDump {
        var dump = IPTablesDump(table: table, chains: [])
        try read({ dump.chains = $0 }, { dump.chains[$0].rules.append($1) })
        return dump
    }
}
