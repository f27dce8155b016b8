import ArgumentParser
import SwarmLBKit

/// What the shells offer for option values (`make docs` writes them into completions/).
public enum Completions {
    /// Namespace names Docker and iproute2 keep.
    public static let namespaces = CompletionKind.shellCommand(
        "ls -1 \(NetNamespace.dockerDirectory) \(NetNamespace.iprouteDirectory) 2>/dev/null | grep -v -e ':$' -e '^$'")
    public static let chains = CompletionKind.list(MarkRule.chains)
    public static let vipChains = CompletionKind.list(MarkRule.vipChains)
    public static let tables = CompletionKind.list(FirewallTable.allCases.map(\.rawValue))
    public static let schedulers = CompletionKind.list(IPVSScheduler.allCases.map(\.rawValue))
    public static let forwarding = CompletionKind.list(["masq", "route", "tunnel"])
}
