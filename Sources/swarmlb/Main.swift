import ArgumentParser
import Glibc
import SwarmLBCommandLine
import SwarmLBKit

/// Entry point: one line on stderr and an exit status for every failure (CommandRunner).
@main
enum Main {
    static func main() {
        PhaseTimings.mark("start-up")
        // `swarmlb apply` and `swarmlb inspect iptables` with plain arguments run without building the
        // command tree (PlainCommandLine).
        let args = Array(CommandLine.arguments.dropFirst())
        if let apply = ApplyCommandLine(args)?.invocation {
            CommandRunner.run(ApplyCommand.self, json: apply.json, usageHint: "swarmlb", apply.run)
        }
        if let iptables = InspectIPTablesCommandLine(args)?.invocation {
            CommandRunner.run(InspectCommand.IPTables.self, json: iptables.json, usageHint: "swarmlb", iptables.run)
        }
        CommandRunner.run(SwarmLB.self)
    }
}

/// swarmlb: Docker Swarm's per-namespace service load balancing (VIPs, marks, IPVS, SNAT) as one tool.
struct SwarmLB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmlb",
        abstract: "Program and inspect Docker Swarm-style service load balancing in a network namespace.",
        discussion: """
            Each command mirrors a classic tool: vip (ip addr + iptables -t mangle), mark (iptables -t mangle), \
            fwm and real (ipvsadm), snat (iptables -t nat + sysctl), service (all of them in one transaction), \
            ingress (the routing mesh: the node's published port, the ingress sandbox, the tasks), \
            overlay (an overlay network's bridge, VXLAN device, containers and peers: ip link, ip neigh, bridge fdb). \
            Exit status: 0 ok, 1 runtime failure, 2 usage error or malformed input, 3 problems found, 130/143 interrupted \
            (rolled back, before the commit). Environment: SWARMLB_BACKEND (default of --backend), XTABLES_LOCKFILE (the legacy xtables lock).

            Examples:
              swarmlb -n lb_a1b2c3d4e service add web --vip 10.0.0.2 --fwm 0x101 --dev eth0 --real 10.0.0.3 10.0.0.4 --chain INPUT --lb-sysctls
              swarmlb -n pid:4242 inspect
              swarmlb -n lb_abc123456 fwm list --json

            See also: ipvsadm(8), iptables(8), ip(8), nsenter(1).
            """,
        version: "0.1.0",
        subcommands: [
            VIPCommand.self, MarkCommand.self, FWMCommand.self, RealCommand.self, SNATCommand.self,
            ServiceCommand.self, IngressCommand.self, OverlayCommand.self, ApplyCommand.self, InspectCommand.self, DNSCommand.self,
        ])
}
