/// The kernel changes of `snat add` and `snat del`.
extension SNATRule {
    /// The rule, then the sysctl that lets IPVS keep conntrack entries for it.
    public var addChanges: [KernelChange] {
        [.appendRule(Self.table, chain: Self.chain, rule), .setSysctl(.ipvsConntrack, "1")]
    }
    public var deleteChange: KernelChange { .deleteRule(Self.table, chain: Self.chain, rule) }
}
