import SwarmLBCommandLine
import SwarmLBKit

/// One `swarmlb inspect iptables`: its options' values, however they were read (the parser's
/// `InspectCommand.IPTables`, or `InspectIPTablesCommandLine` without it), and the run itself: the
/// rules of the namespace's backend as `iptables-nft|iptables-legacy -S [-t TABLE]` or `-save`.
struct InspectIPTablesInvocation: Equatable {
    var netns: NamespaceTarget?
    var json = false
    var backend: FirewallSelection.Choice?
    var wait: Double?
    var table: FirewallTable?
    var save = false

    func run() throws {
        let session = try Session(netns: netns, json: json, backend: CommonOptions.backendChoice(given: backend), wait: wait)
        let firewall = try session.kernel.firewall()
        let names = try table.map { [$0] } ?? (save ? firewall.existingTables() : [.filter])
        let dumps = try names.map { try firewall.listing($0) }
        if json { return try session.printJSON(dumps.map(JSONViews.Table.init)) }
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
