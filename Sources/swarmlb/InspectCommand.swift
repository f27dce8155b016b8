import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit
import SwarmLBServices

/// `swarmlb inspect`: everything a namespace does to load-balance, read-only. The views are
/// byte-compatible with `ipvsadm -Ln`, `iptables-legacy -S` / `-save`, `ip -o addr`, `ip -o link`, `ip route`,
/// `ip neigh` and `bridge fdb` (iproute2 6.1); the
/// default view correlates them by firewall mark and lists problems (exit status 3 when any).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a namespace's load balancing; never changes anything.",
        discussion: """
            Without a subcommand, runs 'inspect services', which takes --all (every namespace under /run/docker/netns \
            and /run/netns, and the namespace swarmlb runs in, each with its role) or --expect FILE (a services file or docker \
            network inspect -v NET to compare with) besides -n/--netns, --json, --backend and --wait; exit status 3 when it finds problems.

            Examples:
              swarmlb -n pid:4242 inspect
              swarmlb inspect --all --json
              swarmlb -n pid:4242 inspect ipvs --stats     # as ipvsadm -Ln --stats
              swarmlb -n pid:4242 inspect iptables --save  # as iptables-save
              docker network inspect -v my-network > net.json; swarmlb -n lb_a1b2c3d4e inspect --expect net.json
              swarmlb -n lb_a1b2c3d4e inspect ipvs --timeout   # as ipvsadm -L --timeout
            """,
        subcommands: [Services.self, IPVS.self, IPTables.self, Addr.self, Link.self, Route.self, Neigh.self, FDB.self],
        defaultSubcommand: Services.self)

    struct Services: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "services",
            abstract: "One row per firewall mark: mark rules, VIPs, IPVS service, real servers, SNAT; then problems.",
            discussion: """
                Exit status 3 when problems are found, so scripts can gate on it. With --all, each namespace once, headed by \
                its names and its role: load_balancer (IPVS fwmark services or mark rules: Docker's lb_<network id>), \
                ingress (port marks in PREROUTING: ingress_sbox), container (the resolver's rules only), overlay (a vxlan \
                device, no rules: 1-<id>) or other. With --expect FILE (a services file or docker network inspect -v NET), \
                marks are labelled with the file's services, and real servers that are no task (stale backends), tasks \
                without a real server, VIPs unassigned or marked otherwise and fwmark services the file does not know are problems.
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var options: InspectOptions

        func validate() throws {
            if options.all && common.netns != nil { throw ValidationError("--all and --netns exclude each other") }
        }

        /// The file is read before the namespace is entered, so a bad one is one line and an exit status
        /// (ServicesFileError.exitStatus, as apply and dns serve) with nothing read.
        func run() throws {
            let expected = try options.expect.map { path throws(ServicesFileError) in try ServicesFile.load(path: path) }
            try NamespaceInspection.run(common, all: options.all, expected: expected)
        }
    }

    struct IPVS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ipvs",
            abstract: "IPVS services and real servers, as ipvsadm -Ln [--stats|--rate] [--exact], -Lnc or -L --timeout.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Traffic counters (ipvsadm -Ln --stats).") var stats = false
        @Flag(help: "Traffic rates (ipvsadm -Ln --rate).") var rate = false
        @Flag(help: "Exact numbers, not scaled to K/M/G (ipvsadm --exact).") var exact = false
        @Flag(name: [.customShort("c"), .long], help: "The connection table (ipvsadm -Lnc).") var connections = false
        @Flag(help: "The connection timeouts: tcp, tcpfin, udp in seconds (ipvsadm -L --timeout).") var timeout = false

        func validate() throws {
            if stats && rate { throw ValidationError("--stats and --rate exclude each other") }
            if connections && (stats || rate) { throw ValidationError("--connections takes neither --stats nor --rate") }
            if timeout && (connections || stats || rate || exact) { throw ValidationError("--timeout takes no other view") }
        }

        func run() throws {
            let session = try Session(common)
            if timeout {
                let timeouts = try session.kernel.ipvs().timeouts()
                if common.json { return try session.printJSON(timeouts) }
                return print(IPVSListing.timeouts(timeouts), terminator: "")
            }
            if connections {
                let list = try IPVSConnectionTable.read()
                if common.json { return try session.printJSON(list) }
                return print(IPVSListing.connections(list), terminator: "")
            }
            let snapshot = try session.kernel.ipvs().dump()
            if common.json { return try session.printJSON(snapshot.entries.map(JSONViews.Service.init)) }
            print(IPVSListing(snapshot, columns: stats ? .stats : rate ? .rate : .standard, exact: exact).text, terminator: "")
        }
    }

    struct IPTables: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "iptables",
            abstract: "iptables rules of the namespace's backend, as iptables-nft|iptables-legacy -S [-t TABLE] or -save.")
        @OptionGroup var common: CommonOptions
        @Option(
            name: [.customShort("t"), .long], help: "Table: filter, nat, mangle or raw (default filter; with --save, every table in use).",
            completion: Completions.tables, transform: Parse.table)
        var table: FirewallTable?
        @Flag(help: "Print the iptables-save format.") var save = false

        func run() throws {
            let session = try Session(common)
            let firewall = try session.kernel.firewall()
            let names = try table.map { [$0] } ?? (save ? firewall.existingTables() : [.filter])
            let dumps = try names.map { try firewall.listing($0) }
            if common.json { return try session.printJSON(dumps.map(JSONViews.Table.init)) }
            var out = TextBuffer(capacity: 0)
            if save {
                IPTablesListing.save(dumps, backend: firewall.kind, into: &out)
            } else {
                for d in dumps { IPTablesListing.rules(d, into: &out) }
            }
            try Session.write(out)
            Session.keepUntilExit(dumps)
        }
    }

    struct Addr: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "addr", abstract: "Addresses, as ip -o addr show.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let session = try Session(common)
            let details = try session.kernel.addresses().details()
            if common.json { return try session.printJSON(details) }
            print(AddressListing.oneLine(details), terminator: "")
        }
    }

    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link", abstract: "Network devices, as ip -o link show (with --details, ip -d -o link show).")
        @OptionGroup var common: CommonOptions
        @Flag(name: [.customShort("d"), .long], help: "Each device's kind and its settings (vxlan, bridge, bridge port), as ip -d.")
        var details = false

        func run() throws {
            let session = try Session(common)
            let links = try session.kernel.links().details()
            if common.json { return try session.printJSON(links) }
            print(
                LinkListing.oneLine(
                    links, details: details,
                    zeroQueueLength: links.contains { $0.txQueueLength == 0 } && ZeroQueueLength.printedByInstalledIP()),
                terminator: "")
        }
    }

    struct Route: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "route", abstract: "Routes, as ip route show (with --table all, ip route show table all).")
        @OptionGroup var common: CommonOptions
        @Option(
            help: ArgumentHelp("'all': every table and family, as ip route show table all (default: IPv4, main table).", valueName: "all"))
        var table: String?

        func validate() throws {
            if let t = table, t != "all" { throw ValidationError("--table takes 'all' (without it: the main table)") }
        }

        func run() throws {
            let session = try Session(common)
            let routes = try session.kernel.routes().routes(allTables: table != nil)
            if common.json { return try session.printJSON(routes) }
            print(RouteListing.text(routes, allTables: table != nil), terminator: "")
        }
    }

    struct Neigh: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "neigh", abstract: "ARP and NDP neighbours, as ip neigh show.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let session = try Session(common)
            let entries = try session.kernel.neighbours().neighbours()
            if common.json { return try session.printJSON(entries) }
            print(NeighbourListing.text(entries), terminator: "")
        }
    }

    struct FDB: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fdb", abstract: "Forwarding database of bridges and vxlan devices, as bridge fdb show.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let session = try Session(common)
            let entries = try session.kernel.neighbours().forwardingEntries()
            if common.json { return try session.printJSON(entries) }
            print(FDBListing.text(entries), terminator: "")
        }
    }
}
