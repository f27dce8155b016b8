import Glibc

/// Which iptables backend a namespace's commands use, and why: the one chosen (`--backend`,
/// `SWARMLB_BACKEND`), else the one that already holds rules in the namespace, else the one the
/// host's `iptables` command is (the alternatives link: xtables-nft-multi means nft), as Docker's
/// own `iptables` calls there would pick. A legacy table list the user may not read (a user
/// namespace) counts as holding no rules.
public struct FirewallSelection {
    public enum Choice: String, Sendable, CaseIterable {
        case auto, legacy, nft
    }

    public enum Reason: Sendable, Equatable {
        case chosen
        /// The backend held rules (load-balancing ones when `loadBalancing`) and the other did not.
        case rulesFound(loadBalancing: Bool)
        /// Neither held rules: the host's `iptables`, e.g. "/usr/sbin/iptables -> xtables-nft-multi".
        case hostDefault(String)
    }

    public let backend: FirewallBackend
    public let reason: Reason
    /// With `auto`: both backends hold load-balancing rules (marks, ipvs SNAT, the DNS chains).
    /// `backend` is then the host's default, for reading; writing is refused.
    public let conflict: Bool

    /// Chooses inside the namespace; reads both backends only for `auto`, and creates no table.
    public static func select(
        _ choice: Choice, legacy: () -> FirewallBackend,
        nft: () throws(KernelError) -> FirewallBackend
    ) throws(KernelError) -> FirewallSelection {
        switch choice {
        case .legacy: return FirewallSelection(backend: legacy(), reason: .chosen, conflict: false)
        case .nft: return FirewallSelection(backend: try nft(), reason: .chosen, conflict: false)
        case .auto: break
        }
        let l = legacy(), n = try nft()
        let legacyHolds = try legacyHoldings(l), nftHolds = try holdings(n)
        let (host, link) = hostDefault()
        let fallback = host == .legacy ? l : n
        switch (legacyHolds, nftHolds) {
        case (.loadBalancing, .loadBalancing):
            return FirewallSelection(backend: fallback, reason: .hostDefault(link), conflict: true)
        case (.loadBalancing, _), (.other, .nothing):
            return FirewallSelection(backend: l, reason: .rulesFound(loadBalancing: legacyHolds == .loadBalancing), conflict: false)
        case (_, .loadBalancing), (.nothing, .other):
            return FirewallSelection(backend: n, reason: .rulesFound(loadBalancing: nftHolds == .loadBalancing), conflict: false)
        default:
            return FirewallSelection(backend: fallback, reason: .hostDefault(link), conflict: false)
        }
    }

    private enum Holdings { case nothing, other, loadBalancing }

    /// In a user namespace (`unshare -rn`) the legacy table list belongs to the host's root and reads
    /// EACCES: no legacy table there is ours to read, so the choice falls to nf_tables or the host's default.
    private static func legacyHoldings(_ backend: FirewallBackend) throws(KernelError) -> Holdings {
        do { return try holdings(backend) } catch  where error.errno == EACCES || error.errno == EPERM { return .nothing }
    }

    private static func holdings(_ backend: FirewallBackend) throws(KernelError) -> Holdings {
        let tables = try backend.existingTables()
        var any = false
        for table in tables {
            let dump = try backend.dump(table)
            if dump.chains.contains(where: { $0.policy == nil || !$0.rules.isEmpty }) { any = true }
            switch table {
            case .mangle:
                if dump.chains.contains(where: { c in c.rules.contains { MarkRule(chain: c.name, rule: $0) != nil } }) {
                    return .loadBalancing
                }
            case .nat:
                if !SNATRule.all(in: dump).isEmpty || dump.chain(DNSRedirect.outputChain) != nil { return .loadBalancing }
            default: break
            }
        }
        return any ? .other : .nothing
    }

    /// The backend of the `iptables` command on this host, and how that was seen.
    static func hostDefault() -> (FirewallBackendKind, String) {
        let path = (getenv("PATH").map { String(cString: $0) } ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for dir in path {
            let candidate = dir + "/iptables"
            guard access(candidate, X_OK) == 0, let real = realpath(candidate, nil) else { continue }
            defer { free(real) }
            let target = String(cString: real)
            let name = target.split(separator: "/").last.map(String.init) ?? target
            return (name.contains("legacy") ? .legacy : .nft, "\(candidate) -> \(name)")
        }
        return (.nft, "no iptables command found; nf_tables, today's default")
    }
}
