import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb apply`: makes a namespace's VIPs, marks, FWM services, real servers and SNAT rule what
/// a services file says, changing only what differs. The work is done by the swarmlb-apply
/// executable installed beside swarmlb (it links the services file reader, libyaml); this command
/// replaces itself with it.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the namespace's load balancing what a services file says, in one batch.",
        discussion: """
            Reads the namespace once (IPVS, addresses, the firewall backend's tables), compares it with the file, and \
            changes only what differs: one commit per iptables table (one nf_tables batch). A run that changes nothing \
            prints nothing. --check changes nothing and exits 3 when the namespace differs; --prune also removes the \
            fwmark services, INPUT/OUTPUT VIP mark rules, their VIPs and ipvs SNAT rules the file does not name.
            """)
    @OptionGroup var common: CommonOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var options: ApplyOptions

    func run() throws {
        try SiblingExecutable("swarmlb-apply").exec(["swarmlb-apply"] + common.arguments + change.arguments + options.arguments)
    }
}
