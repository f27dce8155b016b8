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
        @Argument(help: "The virtual IP, e.g. 10.0.0.2.", transform: Parse.vip) var vip: IPv4Address
        @Option(help: "Device that gets VIP/32 (the overlay interface).", transform: Parse.device) var dev: String
        @Option(help: "Firewall mark, decimal or 0x hex.", transform: Parse.mark) var fwm: FirewallMark
        @Option(
            help:
                "mangle chain of the mark rule: INPUT (Docker's load-balancer namespace, today's model) or OUTPUT (in each container, Docker 1.12-17.x). Default: OUTPUT.",
            completion: Completions.vipChains, transform: Parse.vipChain)
        var chain = "OUTPUT"

        func run() throws {
            let address = InterfaceAddress(address: vip, device: dev)
            let rule = MarkRule(chain: chain, selector: .vip(vip), mark: fwm)
            try Session(common).apply([.addAddress(address), rule.addChange], change)
        }
    }

    struct Del: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del",
            abstract: "Remove a VIP's /32 address and mark rule.",
            discussion: """
                --dev and --fwm may be left out: the device holding VIP/32 and the mark rule for VIP are then found in the namespace.
                When the VIP is on another device than --dev, or marked with another mark than --fwm, nothing is removed.
                The /32 stays while a mark rule in another chain still sends packets to it.
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @Argument(help: "The virtual IP.", transform: Parse.address) var vip: IPv4Address
        @Option(help: "Device holding VIP/32.", transform: Parse.device) var dev: String?
        @Option(help: "Firewall mark of the rule.", transform: Parse.mark) var fwm: FirewallMark?
        @Option(
            help: "mangle chain of the mark rule: INPUT or OUTPUT. Default: OUTPUT.", completion: Completions.vipChains,
            transform: Parse.vipChain) var chain =
            "OUTPUT"

        func run() throws {
            let request = ChangeRequest.removeVIP(vip, device: dev, mark: fwm, chain: chain)
            try Session(common).apply([request], change, ifExists: removal.ifExists)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List VIP mark rules and where each VIP is assigned.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let session = try Session(common)
            let addresses = try session.kernel.addresses().addresses().filter { $0.prefixLength == 32 }
            let views: [JSONViews.Mark] = try MarkRule.all(in: session.kernel.firewall().dump(.mangle)).compactMap { m in
                guard case .vip(let a) = m.selector else { return nil }
                return JSONViews.Mark(m, device: addresses.first { $0.address == a }?.device)
            }
            if common.json { return try session.printJSON(views) }
            session.printTable(
                ["VIP", "MARK", "CHAIN", "DEVICE"],
                views.map {
                    [$0.vip ?? "", "\($0.markHex) (\($0.mark))", $0.chain, $0.device ?? "- (not assigned)"]
                })
        }
    }
}
