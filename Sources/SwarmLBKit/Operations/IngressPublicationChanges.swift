/// The kernel changes of `ingress publish` and `ingress unpublish`, planned against the tables as they are.
extension IngressPublication {
    /// Everything `ingress publish` does: the shared chains, jumps and MASQUERADE (each only when
    /// missing), the port's DNAT and ACCEPT rules inserted first in their chains (as Docker's `-I`),
    /// then route_localnet on the bridge and ip_forward. `filter` is the filter table as it is.
    public func addChanges(filter: IPTablesDump) -> [KernelChange] {
        let forward = Self.forwardChains.first { filter.chain($0) != nil } ?? "FORWARD"
        return [
            .createChain(.nat, Self.chain), .appendRule(.nat, chain: Self.chain, Self.returnRule),
            .insertRule(.nat, chain: "OUTPUT", index: 0, Self.localJump),
            .insertRule(.nat, chain: "PREROUTING", index: 0, Self.localJump),
            .insertRule(.nat, chain: "POSTROUTING", index: 0, masquerade),
            .insertRule(.nat, chain: Self.chain, index: 0, dnat),
            .createChain(.filter, Self.chain), .appendRule(.filter, chain: Self.chain, Self.returnRule),
            .insertRule(.filter, chain: forward, index: 0, Self.jump),
            .insertRule(.filter, chain: Self.chain, index: 0, established),
            .insertRule(.filter, chain: Self.chain, index: 0, accept),
            .setSysctl(.routeLocalnet(gwbridge), "1"), .setSysctl(.ipForward, "1"),
        ]
    }

    /// What `ingress unpublish` removes: the port's rules; when no other port stays published, also
    /// the chains, their jumps and the MASQUERADE rule, so the tables are as before the first publish.
    /// The sysctls stay, as Docker leaves them. `nat` and `filter` are the tables as they are.
    public func deleteChanges(nat: IPTablesDump, filter: IPTablesDump) -> [KernelChange] {
        let last = Self.published(in: nat).allSatisfy { $0.port == port }
        var changes: [KernelChange] = [.deleteRule(.nat, chain: Self.chain, dnat)]
        if last {
            changes += [
                .deleteRule(.nat, chain: "OUTPUT", Self.localJump), .deleteRule(.nat, chain: "PREROUTING", Self.localJump),
                .deleteRule(.nat, chain: "POSTROUTING", masquerade), .deleteChain(.nat, Self.chain),
            ]
        }
        changes += [.deleteRule(.filter, chain: Self.chain, accept), .deleteRule(.filter, chain: Self.chain, established)]
        if last {
            let forward = Self.forwardChains.first { filter.chain($0)?.rules.contains(Self.jump) == true } ?? "FORWARD"
            changes += [.deleteRule(.filter, chain: forward, Self.jump), .deleteChain(.filter, Self.chain)]
        }
        return changes
    }
}
