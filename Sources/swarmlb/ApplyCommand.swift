import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit
import SwarmLBServices

/// `swarmlb apply`: makes a namespace's VIPs, marks, FWM services, real servers and SNAT rule what
/// a services file says, changing only what differs (a reconciler, as kube-proxy's sync over
/// `ip`, `iptables-restore` and `ipvsadm-restore`). SWARMLB_TIMINGS=1 prints each phase's time on stderr.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the namespace's load balancing what a services file says, in one batch.",
        discussion: """
            Reads the namespace once (IPVS, addresses, the firewall backend's tables), compares it with the file, and \
            changes only what differs: one commit per iptables table (one nf_tables batch). A run that changes nothing \
            prints nothing. --check changes nothing and exits 3 when the namespace differs; --prune also removes the \
            fwmark services, INPUT/OUTPUT VIP mark rules, their VIPs and ipvs SNAT rules the file does not name.
            """)
    @OptionGroup var common: CommonOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var options: ApplyOptions

    func run() throws {
        PhaseTimings.mark("arguments")
        let (chain, device, source) = (options.chain, options.dev, options.toSource)
        let network = try ServicesFile.load(path: options.config)
        PhaseTimings.mark("services file")
        let session = try Session(common)
        PhaseTimings.mark("namespace entered")
        _ = try session.kernel.links().device(device)
        let own = try session.kernel.addresses().addresses().filter { $0.device == device && $0.prefixLength < 32 }
        let subnet = network.subnet ?? own.first.map { IPv4Subnet($0.address, prefixLength: $0.prefixLength) }
        let snatSource = source ?? own.first { subnet?.contains($0.address) ?? false }?.address
        PhaseTimings.mark("device and its addresses")
        let intent = try LoadBalancerIntent(network, device: device, chain: chain, subnet: subnet, source: snatSource)
        if intent.snat == nil, !intent.services.isEmpty {
            throw SwarmLBKit.ValidationError(
                device,
                "device for apply: it has no address within \(subnet.map(String.init(describing:)) ?? "the services file's subnet") to be the SNAT source; give --to-source"
            )
        }
        let report = try Transaction(kernel: session.kernel).reconcile(intent, prune: options.prune, dryRun: change.dryRun || options.check)
        PhaseTimings.mark(change.dryRun || options.check ? "intent" : "intent and changes")
        try session.printReport(report, dryRun: change.dryRun || options.check)
        PhaseTimings.mark("output")
        if options.check, !report.performed.isEmpty { throw ExitCode(3) }
    }
}

extension ApplyCommand {
    /// The command with these options, as the parser would have made it (`ApplyCommandLine`).
    init(common: CommonOptions, change: ChangeOptions, options: ApplyOptions) {
        var command = ApplyCommand()  // on a copy, as CommonOptions(netns:json:backend:wait:) says why
        command.common = common
        command.change = change
        command.options = options
        self = command
    }
}
