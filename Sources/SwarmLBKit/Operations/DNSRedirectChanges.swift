/// The kernel changes that install and remove a resolver's nat redirect.
extension DNSRedirect {
    /// The chains, then the rules (which jump to them).
    public var addChanges: [KernelChange] {
        [.createChain(.nat, Self.outputChain), .createChain(.nat, Self.postroutingChain)]
            + rules.map { .appendRule(.nat, chain: $0.0, $0.1) }
    }

    /// What removing this resolver's rules from `nat` takes, leaving everything else: its jump and
    /// its four port rules (those present), then each chain left empty and jumped to by nothing else.
    /// Resolvers on other addresses of the namespace share the chains and keep them while their
    /// rules are in. `iptables -t nat -D ...` each, then `-F`/`-X` of an unused chain.
    public func deleteChanges(in nat: IPTablesDump) -> [KernelChange] {
        let own = rules
        var changes: [KernelChange] = own.filter { chain, rule in nat.chain(chain)?.rules.contains(rule) ?? false }
            .map { .deleteRule(.nat, chain: $0.0, $0.1) }
        for chain in [Self.outputChain, Self.postroutingChain] {
            guard let c = nat.chain(chain) else { continue }
            let others = c.rules.filter { r in !own.contains { $0.0 == chain && $0.1 == r } }
            let jumps = nat.chains.flatMap { from in
                from.rules.filter { r in r.target == .jump(chain) && !own.contains { $0.0 == from.name && $0.1 == r } }
            }
            if others.isEmpty && jumps.isEmpty { changes.append(.deleteChain(.nat, chain)) }
        }
        return changes
    }
}
