/// Where a namespace's iptables rules live: legacy x_tables (`iptables-legacy`, libiptc) or
/// nf_tables as iptables-nft writes them (`iptables-nft`). The same rule reads the same in both.
public enum FirewallBackendKind: String, Sendable, Hashable, CaseIterable {
    case legacy, nft

    /// The classic command that works on this backend, as printed in plans and `--dry-run` scripts.
    public var tool: String { self == .legacy ? "iptables-legacy" : "iptables-nft" }
}
