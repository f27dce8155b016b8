import ArgumentParser
import SwarmLBCommandLine
import SwarmLBDNS
import SwarmLBKit

/// swarmlb-apply: `swarmlb apply`, in its own executable because reading the services file needs
/// Foundation (Yams). Reads the namespace once and changes only what differs from the file.
@main
struct ApplyMain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmlb-apply",
        abstract: "Make a namespace's load balancing what a services file says (run as swarmlb apply).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var options: ApplyOptions

    static func main() { CommandRunner.run(ApplyMain.self) }

    func run() throws {
        let (chain, device, source) = (options.chain, options.dev, options.toSource)
        let network = try ServicesFile.load(path: options.config)
        let session = try Session(common)
        _ = try session.kernel.links().device(device)
        let own = try session.kernel.addresses().addresses().filter { $0.device == device && $0.prefixLength < 32 }
        let subnet = network.subnet ?? own.first.map { IPv4Subnet($0.address, prefixLength: $0.prefixLength) }
        let snatSource = source ?? own.first { subnet?.contains($0.address) ?? false }?.address
        let intent = try LoadBalancerIntent(network, device: device, chain: chain, subnet: subnet, source: snatSource)
        if intent.snat == nil, !intent.services.isEmpty {
            throw SwarmLBKit.ValidationError(
                device,
                "device for apply: it has no address within \(subnet.map(String.init(describing:)) ?? "the services file's subnet") to be the SNAT source; give --to-source"
            )
        }
        let report = try Transaction(kernel: session.kernel).reconcile(intent, prune: options.prune, dryRun: change.dryRun || options.check)
        try session.printReport(report, dryRun: change.dryRun || options.check)
        if options.check, !report.performed.isEmpty { throw ExitCode(3) }
    }
}
