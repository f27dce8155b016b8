import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb mark`: the ingress namespace's port marks
/// (`iptables -t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark MARK/0xffffffff`).
struct MarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mark", abstract: "Published-port marks in the mangle table (the ingress routing mesh).",
        subcommands: [Add.self, Del.self, List.self])

    /// The arguments that name one port mark rule.
    struct RuleArguments: ParsableArguments {
        @Argument(help: "Firewall mark, decimal or 0x hex.", transform: Parse.mark) var mark: FirewallMark
        @Option(help: "Published port, e.g. tcp/8080 or udp/53.", transform: Parse.port) var port: TransportPort
        @Option(
            help: "mangle chain of the rule: PREROUTING, INPUT, FORWARD, OUTPUT or POSTROUTING. Default: PREROUTING.",
            completion: Completions.chains, transform: Parse.chain)
        var chain = "PREROUTING"

        var rule: MarkRule { MarkRule(chain: chain, selector: .port(port), mark: mark) }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Mark packets to a published port.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var rule: RuleArguments

        func run() throws {
            try Session(common).apply([rule.rule.addChange], change)
        }
    }

    struct Del: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "del", abstract: "Remove a port mark rule.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @OptionGroup var rule: RuleArguments

        func run() throws {
            try Session(common).apply([rule.rule.deleteChange], change, ifExists: removal.ifExists)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List port mark rules.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let session = try Session(common)
            let views: [JSONViews.Mark] = try MarkRule.all(in: session.kernel.firewall().dump(.mangle)).compactMap { m in
                guard case .port = m.selector else { return nil }
                return JSONViews.Mark(m, device: nil)
            }
            if common.json { return try session.printJSON(views) }
            session.printTable(["PORT", "MARK", "CHAIN"], views.map { [$0.selectorText, "\($0.markHex) (\($0.mark))", $0.chain] })
        }
    }
}
