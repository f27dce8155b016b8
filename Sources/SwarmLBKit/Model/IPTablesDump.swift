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
    }

    public var table: String
    public var chains: [Chain]

    public func chain(_ name: String) -> Chain? { chains.first { $0.name == name } }
}
