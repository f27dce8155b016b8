import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb fwm`: IPVS firewall-mark virtual services (`ipvsadm -A -f 257 -s rr`, `-D`, `-Ln`).
struct FWMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fwm", abstract: "IPVS firewall-mark virtual services.",
        subcommands: [Add.self, Del.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Create an IPVS fwmark service (ipvsadm -A -f MARK -s SCHED).",
            discussion: """
                A new service is rr unless -s says otherwise. On an existing service only the settings given
                change (ipvsadm -E); a scheduler or persistence left out stays as it is.
                Example: swarmlb -n pid:4242 fwm add 0x101 -s wrr
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @Argument(help: "Firewall mark, decimal or 0x hex.", transform: Parse.mark) var mark: FirewallMark
        @Option(
            name: [.short, .long],
            help: "Scheduler: rr, wrr, lc, wlc, sh, ... Default: rr for a new service, as it is for an existing one.",
            completion: Completions.schedulers, transform: Parse.scheduler) var scheduler: IPVSScheduler?
        @Option(name: [.short, .long], help: "Make the service persistent for this many seconds.", transform: Parse.persistence)
        var persistent: UInt32?

        func run() throws {
            let request = ChangeRequest.service(.fwmark(mark), scheduler: scheduler, persistence: persistent)
            try Session(common).apply([request], change)
        }
    }

    struct Del: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del", abstract: "Delete an IPVS fwmark service and its real servers (ipvsadm -D -f MARK).")
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var removal: RemovalOptions
        @Argument(help: "Firewall mark.", transform: Parse.mark) var mark: FirewallMark

        func run() throws {
            let key = IPVSService.Key.fwmark(mark)
            try Session(common).apply([.deleteService(key)], change, ifExists: removal.ifExists)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List fwmark services and their real servers as ipvsadm -Ln prints them.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Include TCP, UDP and SCTP address services too (all of ipvsadm -Ln).") var all = false

        func run() throws {
            try IPVSPrinter(session: Session(common)).print { all || $0.key.isFirewallMark }
        }
    }
}

/// Prints services with their real servers as `ipvsadm -Ln` or as JSON; shared by fwm list and real list.
struct IPVSPrinter {
    let session: Session

    /// `wholeTable` false prints as `ipvsadm -Ln -f MARK` does, without the version line.
    func print(_ include: (IPVSService) -> Bool, wholeTable: Bool = true) throws {
        var snapshot = try session.kernel.ipvs().dump()
        snapshot.entries = snapshot.entries.filter { include($0.service) }
        if session.json { return try session.printJSON(snapshot.entries.map(JSONViews.Service.init)) }
        Swift.print(IPVSListing(snapshot, versionLine: wholeTable).text, terminator: "")
    }
}
