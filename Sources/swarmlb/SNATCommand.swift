import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb snat`: the ipvs SNAT rule per overlay subnet plus net.ipv4.vs.conntrack=1
/// (`iptables -t nat -A POSTROUTING -d SUBNET -m ipvs --ipvs -j SNAT --to-source IP`).
struct SNATCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snat", abstract: "Source NAT of IPVS-balanced packets to the container's own address.",
        subcommands: [Add.self, Del.self, List.self])

    struct RuleArguments: ParsableArguments {
        @Argument(help: "Overlay subnet, e.g. 10.0.0.0/24.", transform: Parse.subnet) var subnet: IPv4Subnet
        @Option(help: "The container's own address on that subnet.", transform: Parse.address) var toSource: IPv4Address

        var rule: SNATRule { SNATRule(subnet: subnet, source: toSource) }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add the ipvs SNAT rule and enable net.ipv4.vs.conntrack.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var rule: RuleArguments

        func run() throws {
            let r = rule.rule
            let session = try Session(common)
            _ = try session.kernel.ipvs()  // net.ipv4.vs.* exists only once ip_vs is loaded
            try session.apply(r.addChanges, change)
        }
    }

    struct Del: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del",
            abstract: "Remove an ipvs SNAT rule (net.ipv4.vs.conntrack is left as it is).")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @OptionGroup var rule: RuleArguments

        func run() throws {
            let r = rule.rule
            try Session(common).apply([r.deleteChange], change, ifExists: removal.ifExists)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List ipvs SNAT rules as iptables -S prints them.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let session = try Session(common)
            let rules = try SNATRule.all(in: session.kernel.firewall().dump(.nat))
            if common.json { return try session.printJSON(rules.map(JSONViews.SNAT.init)) }
            for r in rules { print(JSONViews.SNAT(r).rule) }
        }
    }
}
