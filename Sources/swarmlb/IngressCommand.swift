import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb ingress`: Docker Swarm's routing mesh, one side per subcommand pair: the node's published
/// port (`publish`, nat and filter DOCKER-INGRESS), the ingress sandbox's balancing (`balance`: port
/// mark, VIP mark, IPVS, SNAT) and the task's redirect (`redirect`: nat REDIRECT and filter rules).
struct IngressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress",
        abstract: "The ingress routing mesh: publish a port on the node, balance it in the ingress sandbox, redirect it in the tasks.",
        subcommands: [Publish.self, Unpublish.self, Balance.self, Unbalance.self, Redirect.self, Unredirect.self])

    /// The arguments that name a published port on the node.
    struct PublicationArguments: ParsableArguments {
        @Argument(help: "Published port, e.g. tcp/8080.", transform: Parse.port) var port: TransportPort
        @Option(help: "The ingress sandbox's address on docker_gwbridge (the DNAT destination).", transform: Parse.address)
        var to: IPv4Address
        @Option(
            help: "The bridge toward the ingress sandbox (MASQUERADE, route_localnet). Default: docker_gwbridge.", transform: Parse.device)
        var gwbridge = "docker_gwbridge"

        var publication: IngressPublication { IngressPublication(port: port, sandbox: to, gwbridge: gwbridge) }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish", abstract: "Publish a port on this node toward the ingress sandbox (the host side), in one transaction.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var publication: PublicationArguments

        func run() throws {
            let p = publication.publication
            try Session(common).apply([.publish(p)], change)
        }
    }

    struct Unpublish: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unpublish", abstract: "Remove a published port; the last one takes the DOCKER-INGRESS chains and jumps with it.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @OptionGroup var publication: PublicationArguments

        func run() throws {
            let p = publication.publication
            try Session(common).apply([.unpublish(p)], change, ifExists: removal.ifExists)
        }
    }

    /// The arguments that name a published port's balancing in the ingress sandbox.
    struct BalanceArguments: ParsableArguments {
        @Argument(help: "Published port, e.g. tcp/8080.", transform: Parse.port) var port: TransportPort
        @Option(help: "Firewall mark, decimal or 0x hex.", transform: Parse.mark) var fwm: FirewallMark
        @Option(help: "The service's ingress virtual IP.", transform: Parse.vip) var vip: IPv4Address
        @Option(help: "Device that carries VIP/32 (the ingress overlay's).", transform: Parse.device) var dev: String
        @Option(help: "The ingress subnet of the ipvs SNAT rule.", transform: Parse.subnet) var snat: IPv4Subnet
        @Option(help: "The sandbox's own ingress address, the SNAT source.", transform: Parse.address) var toSource: IPv4Address

        var balance: IngressBalance {
            IngressBalance(port: port, mark: fwm, vip: vip, device: dev, snat: SNATRule(subnet: snat, source: toSource))
        }
    }

    struct Balance: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "balance",
            abstract: "Balance a published port in the ingress sandbox: port mark, VIP mark in INPUT, FWM service, reals, SNAT, sysctls.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var arguments: BalanceArguments
        @Option(parsing: .upToNextOption, help: "The tasks' ingress addresses (real servers, Masq, weight 1).", transform: Parse.address)
        var real: [IPv4Address] = []

        func run() throws {
            var b = arguments.balance
            b.service.reals = real
            try Session(common).apply([.balanceIngress(b)], change)
        }
    }

    struct Unbalance: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unbalance",
            abstract: "Remove a port's balancing: its mark; the VIP and FWM service with the mark's last port; the SNAT with the last port."
        )
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @OptionGroup var arguments: BalanceArguments

        func run() throws {
            let b = arguments.balance
            try Session(common).apply([.unbalanceIngress(b)], change, ifExists: removal.ifExists)
        }
    }

    /// The arguments that name a task's redirect.
    struct RedirectArguments: ParsableArguments {
        @Argument(help: "PROTO/PUBLISHED:TARGET, e.g. tcp/8080:80.", transform: Parse.redirect) var redirect: TaskRedirect.Ports
        @Option(help: "The task's address on the ingress network.", transform: Parse.address) var ip: IPv4Address

        var taskRedirect: TaskRedirect { TaskRedirect(redirect, address: ip) }
    }

    struct Redirect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "redirect",
            abstract: "Redirect a published port to the port a task serves, with Docker's filter rules (the task side).")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var arguments: RedirectArguments

        func run() throws {
            let r = arguments.taskRedirect
            try Session(common).apply([.redirect(r)], change)
        }
    }

    struct Unredirect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unredirect", abstract: "Remove a task's redirect; the last one takes the address's DROP rules with it.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @OptionGroup var arguments: RedirectArguments

        func run() throws {
            let r = arguments.taskRedirect
            try Session(common).apply([.unredirect(r)], change, ifExists: removal.ifExists)
        }
    }
}
