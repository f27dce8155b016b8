import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb service`: Docker Swarm's whole recipe for one service (in the load-balancer namespace, or per container) in one transaction.
struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "A whole Swarm service: VIP, mark, IPVS service, real servers, SNAT.",
        discussion: """
            Docker today balances each overlay network in one load-balancer namespace (lb_<network id>): the VIP on its eth0, \
            the mark in mangle INPUT, the SNAT to its own address and the vs sysctls (--chain INPUT --lb-sysctls; apply does \
            this for a whole network). Docker 1.12-17.x did it in every container, marks in OUTPUT (the default of --chain).
            """,
        subcommands: [Add.self, Del.self])

    /// The arguments that identify a service's kernel objects.
    struct Identity: ParsableArguments {
        @Argument(help: "Service name (used in messages).") var name: String
        @Option(help: "The service's virtual IP.", transform: Parse.vip) var vip: IPv4Address
        @Option(help: "Firewall mark, decimal or 0x hex.", transform: Parse.mark) var fwm: FirewallMark
        @Option(help: "Device that carries VIP/32.", transform: Parse.device) var dev: String
        @Option(
            help:
                "mangle chain of the mark rule: INPUT in Docker's load-balancer namespace (today's model, with --lb-sysctls) or OUTPUT in each container (Docker 1.12-17.x). Default: OUTPUT.",
            completion: Completions.vipChains, transform: Parse.vipChain
        )
        var chain = "OUTPUT"

        var recipe: ServiceRecipe { ServiceRecipe(name: name, vip: vip, mark: fwm, device: dev, chain: chain) }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Program a service; any failure rolls back every step already done.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var identity: Identity
        @Option(parsing: .upToNextOption, help: "Task addresses (real servers, Masq, weight 1).", transform: Parse.address)
        var real: [IPv4Address] = []
        @Option(
            name: [.short, .long], help: "IPVS scheduler. Default: rr.", completion: Completions.schedulers, transform: Parse.scheduler)
        var scheduler = IPVSScheduler.rr
        @Option(help: "Overlay subnet for the ipvs SNAT rule (needs --to-source).", transform: Parse.subnet) var snat: IPv4Subnet?
        @Option(help: "This namespace's own address (the load balancer's, or the container's), the SNAT source.", transform: Parse.address)
        var toSource: IPv4Address?
        @Flag(
            help:
                "Also set the IPVS sysctls of Docker's load-balancer namespace (net.ipv4.vs.conn_reuse_mode=0, expire_nodest_conn=1, expire_quiescent_template=1)."
        )
        var lbSysctls = false

        func validate() throws {
            if (snat == nil) != (toSource == nil) { throw ValidationError("--snat and --to-source go together") }
        }

        func run() throws {
            var recipe = identity.recipe
            recipe.scheduler = scheduler
            recipe.reals = real
            recipe.loadBalancerSysctls = lbSysctls
            if let snat, let toSource {
                recipe.snat = SNATRule(subnet: snat, source: toSource)
            }
            try Session(common).apply([recipe.addRequest], change)
        }
    }

    struct Del: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del",
            abstract: "Remove a service's mark rule, IPVS service (with its real servers) and VIP address.",
            discussion: "The VIP address stays while another mark rule still sends packets to it (a VIP two services share).")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @OptionGroup var identity: Identity

        func run() throws {
            try Session(common).apply(identity.recipe.deleteRequests, change, ifExists: removal.ifExists)
        }
    }
}
