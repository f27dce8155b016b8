import ArgumentParser
import Glibc
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb real`: real servers of an fwmark service (`ipvsadm -a|-e|-d -f MARK -r ADDR:PORT`).
struct RealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "real", abstract: "Real servers (tasks) behind an IPVS fwmark service.",
        subcommands: [Add.self, Set.self, Del.self, List.self])

    /// The service and the real servers a command is about.
    struct Target: ParsableArguments {
        @Argument(help: "Firewall mark of the service.", transform: Parse.mark) var mark: FirewallMark
        @Argument(help: "Real server address, ADDR or ADDR:PORT (port 0 keeps the packet's port).", transform: Parse.endpoint)
        var reals: [RealServer.Endpoint]

        var key: IPVSService.Key { .fwmark(mark) }
    }

    /// The settings of a real server.
    struct Settings: ParsableArguments {
        @Option(
            name: [.short, .long],
            help: "Weight, 0-65535 (0 drains: no new connections). Default: 1 for a new real server, as it is for an existing one.",
            transform: Parse.weight)
        var weight: Int32?
        @Option(
            help:
                "Forwarding method: masq (NAT, as Swarm), route (direct routing) or tunnel (IPIP). Default: masq for a new real server, as it is for an existing one.",
            completion: Completions.forwarding, transform: Parse.forwarding) var forward: ForwardingMethod?
        @Option(name: [.customShort("x"), .long], help: "Upper connection threshold (0 = none).") var upperThreshold: UInt32?
        @Option(name: [.customShort("y"), .long], help: "Lower connection threshold (0 = none).") var lowerThreshold: UInt32?

        /// The settings given; those left out stay as the real server has them.
        var settings: RealServerSettings {
            RealServerSettings(weight: weight, forwarding: forward, upperThreshold: upperThreshold, lowerThreshold: lowerThreshold)
        }

        /// One request per real server: `real add` (`mustExist` false) or `real set`.
        func requests(_ target: Target, mustExist: Bool) -> [ChangeRequest] {
            target.reals.map { .real(target.key, $0.address, port: $0.port, settings, mustExist: mustExist) }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add real servers to a service (ipvsadm -a -f MARK -r ADDR:PORT -m -w 1).",
            discussion: """
                A new real server is Masq with weight 1 unless told otherwise. On an existing one only the
                settings given change (ipvsadm -e): a drained real server (weight 0) stays drained without -w.
                Example: swarmlb -n pid:4242 real add 0x101 10.0.0.3 10.0.0.4 -w 1
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var target: Target
        @OptionGroup var settings: Settings

        func run() throws {
            let requests = settings.requests(target, mustExist: false)
            // IPVS refuses real servers in a namespace whose lo is down (EINVAL).
            try Session(common).apply([.change(.setLink("lo", up: true))] + requests, change)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change real servers' weight or forwarding (ipvsadm -e); --weight 0 drains.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var target: Target
        @OptionGroup var settings: Settings

        func run() throws {
            let requests = settings.requests(target, mustExist: true)
            try Session(common).apply(requests, change)
        }
    }

    struct Del: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del", abstract: "Remove real servers (ipvsadm -d -f MARK -r ADDR:PORT).")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @OptionGroup var target: Target

        func run() throws {
            try Session(common).apply(
                target.reals.map { .deleteReal(target.key, RealServer(address: $0.address, port: $0.port)) }, change,
                ifExists: removal.ifExists)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List one service's real servers as ipvsadm -Ln -f MARK does.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Firewall mark of the service.", transform: Parse.mark) var mark: FirewallMark

        func run() throws {
            let key = IPVSService.Key.fwmark(mark)
            let session = try Session(common)
            guard let service = try session.kernel.ipvs().service(key) else {
                throw KernelError.ipvs(
                    operation: "listing", object: "\(key)", errno: ESRCH,
                    meaning: IPVSMeaning.meaning(.list, errno: ESRCH) ?? "No such service")
            }
            try IPVSPrinter(session: session).print({ $0.key == service.key }, wholeTable: false)
        }
    }
}
