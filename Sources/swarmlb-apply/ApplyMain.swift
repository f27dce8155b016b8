import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit
import SwarmLBServices

/// swarmlb-apply: `swarmlb apply`, in its own executable because it links the services file reader
/// (libyaml; neither Foundation nor SwiftNIO). Reads the namespace once and changes only what differs from the
/// file. SWARMLB_TIMINGS=1 prints each phase's time on stderr.
@main
struct ApplyMain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmlb-apply",
        abstract: "Make a namespace's load balancing what a services file says (run as swarmlb apply).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var options: ApplyOptions

    static func main() {
        PhaseTimings.mark("start-up")
        CommandRunner.run(ApplyMain.self, usageHint: "swarmlb")
    }

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
