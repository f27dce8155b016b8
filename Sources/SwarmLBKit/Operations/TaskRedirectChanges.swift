/// The kernel changes of `ingress redirect` and `ingress unredirect`, planned against the tables as they are.
extension TaskRedirect {
    /// Everything `ingress redirect` does. The accepts go before the address's DROP rules when those
    /// exist (another port redirected before), else they are appended and the DROPs after them, as
    /// Docker's redirector does. `filter` is the filter table as it is.
    public func addChanges(filter: IPTablesDump) -> [KernelChange] {
        var changes: [KernelChange] = [.appendRule(.nat, chain: "PREROUTING", redirect)]
        for (chain, accept) in [("INPUT", inputAccept), ("OUTPUT", outputAccept)] {
            let rules = filter.chain(chain)?.rules ?? []
            if let firstDrop = rules.firstIndex(where: { r in drops.contains { $0.chain == chain && $0.rule == r } }) {
                changes.append(.insertRule(.filter, chain: chain, index: firstDrop, accept))
            } else {
                changes.append(.appendRule(.filter, chain: chain, accept))
            }
        }
        return changes + drops.map { .appendRule(.filter, chain: $0.chain, $0.rule) }
    }

    /// What `ingress unredirect` removes: the port's rules, and the DROP rules once no other port is
    /// redirected to the address. `nat` is the table as it is.
    public func deleteChanges(nat: IPTablesDump) -> [KernelChange] {
        let others =
            nat.chain("PREROUTING")?.rules.contains { r in
                r != redirect && r.destination == host && { if case .redirect = r.target { true } else { false } }()
            } ?? false
        let removed: [KernelChange] = [
            .deleteRule(.nat, chain: "PREROUTING", redirect),
            .deleteRule(.filter, chain: "INPUT", inputAccept), .deleteRule(.filter, chain: "OUTPUT", outputAccept),
        ]
        return removed + (others ? [] : drops.map { .deleteRule(.filter, chain: $0.chain, $0.rule) })
    }
}
