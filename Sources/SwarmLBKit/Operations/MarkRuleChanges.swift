/// The kernel changes of `mark add` and `mark del`: the rule appended to or deleted from its mangle chain.
extension MarkRule {
    public var addChange: KernelChange { .appendRule(Self.table, chain: chain, rule) }
    public var deleteChange: KernelChange { .deleteRule(Self.table, chain: chain, rule) }
}
