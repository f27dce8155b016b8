import Glibc
import SwarmLBCommandLine
import SwarmLBKit

/// One `swarmlb inspect iptables`: its options' values, however they were read (the parser's
/// `InspectCommand.IPTables`, or `InspectIPTablesCommandLine` without it), and the run itself: the
/// rules of the namespace's backend as `iptables-nft|iptables-legacy -S [-t TABLE]` or `-save`.
struct InspectIPTablesInvocation: Equatable {
    /// The output is written whenever this much is pending.
    private static let chunk = 1 << 16

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
        if json { return try session.printJSON(try names.map { try firewall.listing($0) }.map(JSONViews.Table.init)) }
        // Each rule is written as it is read, and the output goes out as it fills: a listing of any
        // length holds one rule and one buffer, as iptables does.
        var writer = IPTablesListing.Writer(save ? .save(firewall.kind, now: time(nil)) : .rules)
        var out = TextBuffer(capacity: Self.chunk + 4096)
        for name in names {
            try firewall.read(
                name, forListing: true,
                chains: { writer.open(name, $0, into: &out) },
                rule: { (chain, rule) throws(KernelError) in
                    writer.rule(chain, rule, into: &out)
                    if out.count >= Self.chunk {
                        try Session.write(out)
                        out.removeAll()
                    }
                })
            writer.close(into: &out)
        }
        try Session.write(out)
    }
}
