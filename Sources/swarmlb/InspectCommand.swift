import ArgumentParser
import Glibc
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb inspect`: everything a namespace does to load-balance, read-only. The views are
/// byte-compatible with `ipvsadm -Ln`, `iptables-legacy -S` / `-save` and `ip -o addr`; the
/// default view correlates them by firewall mark and lists problems (exit status 3 when any).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a namespace's load balancing; never changes anything.",
        discussion: """
            Without a subcommand, runs 'inspect services', which takes --all (every namespace under /run/docker/netns \
            and /run/netns, and the namespace swarmlb runs in) besides -n/--netns, --json, --backend and --wait; exit status 3 when it finds problems.

            Examples:
              swarmlb -n pid:4242 inspect
              swarmlb inspect --all --json
              swarmlb -n pid:4242 inspect ipvs --stats     # as ipvsadm -Ln --stats
              swarmlb -n pid:4242 inspect iptables --save  # as iptables-save
            """,
        subcommands: [Services.self, IPVS.self, IPTables.self, Addr.self], defaultSubcommand: Services.self)

    struct Services: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "services",
            abstract: "One row per firewall mark: mark rules, VIPs, IPVS service, real servers, SNAT; then problems.",
            discussion: "Exit status 3 when problems are found, so scripts can gate on it.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Inspect the namespace swarmlb runs in (the host) and every namespace under /run/docker/netns and /run/netns.")
        var all = false

        func validate() throws {
            if all && common.netns != nil { throw ValidationError("--all and --netns exclude each other") }
        }

        func run() throws {
            var reports: [LoadBalancerReport] = []
            var facts: [Inspector.Facts] = []
            var headings: [String] = []
            var failures: [String] = []
            let choice = try common.backendChoice()
            for (name, path) in all ? Self.namespaces() : [(common.netns ?? "current namespace", nil)] {
                do {
                    let kernel: Kernel
                    let namespace: String?
                    if let path {
                        try NetNamespace(path).enter()
                        kernel = Session.kernel(common, choice)
                        namespace = path
                    } else {
                        let session = try Session(common)
                        kernel = session.kernel
                        namespace = session.namespace?.path
                    }
                    let f = try Inspector(kernel: kernel).facts()
                    facts.append(f)
                    reports.append(Inspector.report(namespace: namespace, f))
                    headings.append(name)
                } catch  where all {
                    failures.append("\(name): \(error)")
                }
            }
            IngressTracer.trace(&reports, facts, complete: all)
            if common.json {
                let value: any Encodable = all ? reports : reports[0]
                print(String(decoding: try Session.jsonEncoder.encode(value), as: UTF8.self))
            } else {
                for (heading, report) in zip(headings, reports) {
                    print((all ? "== \(heading)\n" : "") + ReportListing.text(report), terminator: all ? "\n" : "")
                }
            }
            for f in failures { CommandRunner.warn(f) }
            if !failures.isEmpty { throw ExitCode.failure }
            if reports.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(3) }
        }

        /// The namespaces `--all` reads, each with its heading: the one swarmlb runs in first (the host,
        /// path nil), unless it is also listed; then every one under /run/docker/netns and /run/netns,
        /// a namespace reachable under several names once, its heading naming them all.
        static func namespaces() -> [(String, String?)] {
            let paths = [NetNamespace.dockerDirectory, NetNamespace.iprouteDirectory].flatMap { dir -> [String] in
                guard let d = opendir(dir) else { return [] }
                defer { closedir(d) }
                var names: [String] = []
                while let entry = readdir(d) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    if name != "." && name != ".." && name != "default" { names.append(name) }
                }
                return names.sorted().map { "\(dir)/\($0)" }
            }
            var order: [String] = []
            var aliases: [String: [String]] = [:]
            var firstByIdentity: [String: String] = [:]
            for p in paths {
                var st = stat()
                let identity = stat(p, &st) == 0 ? "\(st.st_dev):\(st.st_ino)" : p
                if let first = firstByIdentity[identity] {
                    aliases[first, default: []].append(p)
                } else {
                    firstByIdentity[identity] = p
                    order.append(p)
                }
            }
            let listed: [(String, String?)] = order.map { p in (([p] + (aliases[p] ?? [])).joined(separator: " = "), p) }
            var st = stat()
            let own = stat("/proc/self/ns/net", &st) == 0 ? "\(st.st_dev):\(st.st_ino)" : ""
            return firstByIdentity[own] == nil ? [("the namespace swarmlb runs in", nil)] + listed : listed
        }
    }

    struct IPVS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ipvs", abstract: "IPVS services and real servers, as ipvsadm -Ln [--stats|--rate] [--exact] or -Lnc.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Traffic counters (ipvsadm -Ln --stats).") var stats = false
        @Flag(help: "Traffic rates (ipvsadm -Ln --rate).") var rate = false
        @Flag(help: "Exact numbers, not scaled to K/M/G (ipvsadm --exact).") var exact = false
        @Flag(name: [.customShort("c"), .long], help: "The connection table (ipvsadm -Lnc).") var connections = false

        func validate() throws {
            if stats && rate { throw ValidationError("--stats and --rate exclude each other") }
            if connections && (stats || rate) { throw ValidationError("--connections takes neither --stats nor --rate") }
        }

        func run() throws {
            let session = try Session(common)
            if connections {
                let list = try IPVSConnectionTable.read()
                if common.json { return try session.printJSON(list) }
                return print(IPVSListing.connections(list), terminator: "")
            }
            let snapshot = try session.kernel.ipvs().snapshot()
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
            let dumps = try names.map { try firewall.dump($0) }
            if common.json { return try session.printJSON(dumps.map(JSONViews.Table.init)) }
            print(save ? IPTablesListing.save(dumps, backend: firewall.kind) : dumps.map(IPTablesListing.rules).joined(), terminator: "")
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
}
