/// Keeps one resolver's nat redirect (`DNSRedirect`) in its namespace for the resolver's life,
/// through the firewall seam (`Transaction`, the namespace's iptables backend): installs it after
/// removing a dead resolver's rules for the same address, puts back only its own rules when they
/// vanish (a firewall manager flushing nat), and at the end removes only its own rules, and the
/// chains only when nothing else is left in them or jumps to them.
public final class DNSRedirectKeeper {
    public let redirect: DNSRedirect
    private let kernel: Kernel
    private var transaction: Transaction { Transaction(kernel: kernel) }

    public init(_ redirect: DNSRedirect, kernel: Kernel) {
        self.redirect = redirect
        self.kernel = kernel
    }

    /// Removes the rules of `stale` (dead resolvers of this address), then installs ours; the
    /// stale rules removed are returned, as commands, for the log.
    public func install(replacing stale: [DNSRedirect]) throws -> [String] {
        let removed = try removeStale(stale)
        _ = try transaction.run(redirect.addChanges.map(ChangeRequest.change))
        return removed
    }

    /// Removes the rules of `stale` only (with `--port 53`, which installs none).
    public func removeStale(_ stale: [DNSRedirect]) throws -> [String] {
        var removed: [String] = []
        for old in stale {
            let report = try transaction.run(
                old.deleteChanges(in: try kernel.firewall().dump(.nat)).map(ChangeRequest.change), ifExists: true)
            removed += report.performed.map(report.command)
        }
        return removed
    }

    /// True when every rule of ours is in place; else puts them back and returns false.
    public func restoreIfRemoved() throws -> Bool {
        guard !redirect.isInstalled(in: try kernel.firewall().dump(.nat)) else { return true }
        _ = try transaction.run(redirect.addChanges.map(ChangeRequest.change))
        return false
    }

    /// Removes our rules (and chains nothing else uses).
    public func remove() throws {
        _ = try transaction.run(redirect.deleteChanges(in: try kernel.firewall().dump(.nat)).map(ChangeRequest.change), ifExists: true)
    }
}
