import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb vip`: a service VIP as a /32 on a device plus its mangle MARK rule
/// (`ip addr add VIP/32 dev IFACE` + `iptables -t mangle -A OUTPUT -d VIP/32 -j MARK --set-xmark MARK/0xffffffff`).
struct VIPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vip", abstract: "Service VIPs: the /32 address and the mangle mark rule.",
        subcommands: [Add.self, Del.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Assign VIP/32 to a device and mark packets to it.",
            discussion: "Example: swarmlb -n pid:4242 vip add 10.0.0.2 --dev eth0 --fwm 0x101")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @Argument(help: "The virtual IP, e.g. 10.0.0.2.") var vip: String
        @Option(help: "Device that gets VIP/32 (the overlay interface).") var dev: String
        @Option(help: "Firewall mark, decimal or 0x hex.") var fwm: String
        @Option(help: "mangle chain of the mark rule: OUTPUT (per container) or INPUT (load-balancer namespace).",
                completion: Completions.chains)
        var chain = "OUTPUT"

        func run() throws {
            let address = InterfaceAddress(address: try Parse.vip(vip), device: try Parse.device(dev))
            let rule = MarkRule(chain: try Parse.chain(chain), selector: .vip(address.address), mark: try Parse.mark(fwm))
            try Session(common).apply([.addAddress(address), rule.addChange], change)
        }
    }

    struct Del: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del",
            abstract: "Remove a VIP's /32 address and mark rule.",
            discussion: "--dev and --fwm may be left out: the device holding VIP/32 and the mark rule for VIP are then found in the namespace.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @Argument(help: "The virtual IP.") var vip: String
        @Option(help: "Device holding VIP/32.") var dev: String?
        @Option(help: "Firewall mark of the rule.") var fwm: String?
        @Option(help: "mangle chain of the mark rule.", completion: Completions.chains) var chain = "OUTPUT"

        func run() throws {
            let address = try Parse.address(vip)
            let device = try dev.map(Parse.device)
            let mark = try fwm.map(Parse.mark)
            let chain = try Parse.chain(chain)
            let session = try Session(common)
            let devices = try device.map { [$0] }
                ?? session.kernel.addresses().addresses().filter { $0.address == address && $0.prefixLength == 32 }.map(\.device)
            let marks = try mark.map { [$0] }
                ?? MarkRule.all(in: session.kernel.firewall().dump(.mangle)).filter { $0.chain == chain && $0.selector == .vip(address) }.map(\.mark)
            var changes = marks.map { MarkRule(chain: chain, selector: .vip(address), mark: $0).deleteChange }
            changes += devices.map { KernelChange.deleteAddress(InterfaceAddress(address: address, device: $0)) }
            if changes.isEmpty {
                let what = "\(address)/32 is not assigned to \(device ?? "any device") and no mangle \(chain) rule sets a mark for it"
                if !removal.ifExists { throw Transaction.Failure.absent([what]) }
                return try session.printNotFound(what, change)
            }
            try session.apply(changes, change, ifExists: removal.ifExists)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List VIP mark rules and where each VIP is assigned.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let session = try Session(common)
            let addresses = try session.kernel.addresses().addresses().filter { $0.prefixLength == 32 }
            let views: [JSONViews.Mark] = try MarkRule.all(in: session.kernel.firewall().dump(.mangle)).compactMap { m in
                guard case .vip(let a) = m.selector else { return nil }
                return JSONViews.Mark(m, device: addresses.first { $0.address == a }?.device)
            }
            if common.json { return try session.printJSON(views) }
            session.printTable(["VIP", "MARK", "CHAIN", "DEVICE"], views.map {
                [$0.vip ?? "", "\($0.markHex) (\($0.mark))", $0.chain, $0.device ?? "- (not assigned)"]
            })
        }
    }
}
