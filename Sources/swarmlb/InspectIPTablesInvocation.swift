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
        let now = time(nil)
        var out = TextBuffer(capacity: Self.chunk + 4096)
        for name in names {
            var chainNames: [String] = []
            try firewall.read(
                name, forListing: true,
                chains: { chains in
                    chainNames = chains.map(\.name)
                    if save {
                        IPTablesListing.saveOpening(name, chains, backend: firewall.kind, now: now, into: &out)
                    } else {
                        IPTablesListing.chains(chains, into: &out)
                    }
                },
                rule: { (chain, rule) throws(KernelError) in
                    IPTablesListing.rule(rule, in: chainNames[chain], into: &out)
                    if out.count >= Self.chunk {
                        try Session.write(out)
                        out.removeAll()
                    }
                })
            if save { IPTablesListing.saveClosing(now: now, into: &out) }
        }
        try Session.write(out)
    }
}
