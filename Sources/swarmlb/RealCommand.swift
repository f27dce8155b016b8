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
        @Argument(help: "Firewall mark of the service.") var mark: String
        @Argument(help: "Real server address, ADDR or ADDR:PORT (port 0 keeps the packet's port).") var reals: [String]

        func parsed() throws -> (IPVSService.Key, [(IPv4Address, UInt16)]) {
            (.fwmark(try Parse.mark(mark)), try reals.map { try RealServer.parseEndpoint($0) })
        }
    }

    /// The settings of a real server.
    struct Settings: ParsableArguments {
        @Option(name: [.short, .long], help: "Weight, 0-65535 (0 drains: no new connections).") var weight: Int?
        @Option(help: "Forwarding method: masq (NAT, as Swarm), route (direct routing) or tunnel (IPIP). Default: masq, or as the real server is.",
                completion: Completions.forwarding) var forward: String?
        @Option(name: [.customShort("x"), .long], help: "Upper connection threshold (0 = none).") var upperThreshold: UInt32?
        @Option(name: [.customShort("y"), .long], help: "Lower connection threshold (0 = none).") var lowerThreshold: UInt32?

        /// `base` with every given setting applied.
        func applied(to base: RealServer) throws -> RealServer {
            var r = base
            if let w = weight { r.weight = try Parse.weight(w) }
            if let f = forward { r.forwarding = try Parse.forwarding(f) }
            if let x = upperThreshold { r.upperThreshold = x }
            if let y = lowerThreshold { r.lowerThreshold = y }
            return r
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add real servers to a service (ipvsadm -a -f MARK -r ADDR:PORT -m -w 1).",
            discussion: """
                A real server that exists with other settings is edited to these (ipvsadm -e).
                Example: swarmlb -n pid:4242 real add 0x101 10.0.0.3 10.0.0.4 -w 1
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var target: Target
        @OptionGroup var settings: Settings

        func run() throws {
            let (key, endpoints) = try target.parsed()
            let reals = try endpoints.map { try settings.applied(to: RealServer(address: $0.0, port: $0.1)) }
            // IPVS refuses real servers in a namespace whose lo is down (EINVAL).
            try Session(common).apply([.setLink("lo", up: true)] + reals.map { .addReal(key, $0) }, change)
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
            let (key, endpoints) = try target.parsed()
            _ = try settings.applied(to: RealServer(address: IPv4Address(0)))  // validate before entering
            let session = try Session(common)
            let existing = try session.kernel.ipvs().service(key) == nil ? [] : try session.kernel.ipvs().reals(of: key)
            let changes: [KernelChange] = try endpoints.map { address, port in
                let current = existing.first { $0.address == .v4(address) && $0.port == port }
                    ?? RealServer(address: address, port: port)
                return .updateReal(key, try settings.applied(to: current))
            }
            try session.apply(changes, change)
        }
    }

    struct Del: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "del", abstract: "Remove real servers (ipvsadm -d -f MARK -r ADDR:PORT).")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @OptionGroup var target: Target

        func run() throws {
            let (key, endpoints) = try target.parsed()
            try Session(common).apply(endpoints.map { .deleteReal(key, RealServer(address: $0.0, port: $0.1)) },
                                      change, ifExists: removal.ifExists)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List one service's real servers as ipvsadm -Ln -f MARK does.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Firewall mark of the service.") var mark: String

        func run() throws {
            let key = IPVSService.Key.fwmark(try Parse.mark(mark))
            let session = try Session(common)
            guard let service = try session.kernel.ipvs().service(key) else {
                throw KernelError.ipvs(operation: "listing", object: "\(key)", errno: ESRCH,
                                       meaning: IPVSMeaning.meaning(.list, errno: ESRCH) ?? "No such service")
            }
            try IPVSPrinter(session: session).print({ $0.key == service.key }, wholeTable: false)
        }
    }
}
