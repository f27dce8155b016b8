import ArgumentParser
import SwarmLBCommandLine

/// `swarmlb apply` as the argument parser reads it (help, completions, man page, its errors): makes a
/// namespace's VIPs, marks, FWM services, real servers and SNAT rule what a services file says
/// (`ApplyInvocation` runs it).
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the namespace's load balancing what a services file says, in one batch.",
        discussion: """
            Reads the namespace once (IPVS, addresses, the firewall backend's tables), compares it with the file, and \
            changes only what differs: one commit per iptables table (one nf_tables batch). A run that changes nothing \
            prints nothing. --check changes nothing and exits 3 when the namespace differs; --prune also removes the \
            fwmark services, INPUT/OUTPUT VIP mark rules, their VIPs and ipvs SNAT rules the file does not name, and \
            with --overlay the peer entries (in the subnet) of addresses no task on another node holds.
            """)
    @OptionGroup var common: CommonOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var options: ApplyOptions

    func run() throws { try invocation.run() }

    /// The parsed options as the invocation they stand for.
    var invocation: ApplyInvocation {
        ApplyInvocation(
            netns: common.netns, json: common.json, backend: common.backend, wait: common.wait, dryRun: change.dryRun,
            config: options.config, dev: options.dev, chain: options.chain, toSource: options.toSource, prune: options.prune,
            check: options.check, overlay: options.overlay, node: options.node)
    }
}
