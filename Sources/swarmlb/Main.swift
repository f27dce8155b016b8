import ArgumentParser
import Glibc
import SwarmLBKit

/// Entry point: runs the command and maps every failure to one line on stderr and an exit status:
/// 0 ok, 1 runtime failure, 2 usage error (3 is reserved for inspect's "problems found").
@main
enum Main {
    static func main() {
        do {
            var command = try SwarmLB.parseAsRoot(leadingOptionsMovedLast(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as SwarmLBKit.ValidationError {
            fail(error.description, status: 2)
        } catch let error as KernelError {
            fail(error.description, status: 1)
        } catch let error as Transaction.Failure {
            fail(error.description, status: 1)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let status = SwarmLB.exitCode(for: error)
            if status == .success { SwarmLB.exit(withError: error) }
            // The parser reports bad arguments as EX_USAGE (64); swarmlb's usage status is 2.
            let usage = status == .validationFailure
            let message = SwarmLB.message(for: error)
            fail(usage ? message + " (see 'swarmlb help')" : message, status: usage ? 2 : 1)
        }
    }

    /// `swarmlb -n NS vip list` is read as `swarmlb vip list -n NS`, as with `ip -n NS`:
    /// the options every command takes may lead the command line.
    static func leadingOptionsMovedLast(_ args: [String]) -> [String] {
        var rest = args[...]
        var moved: [String] = []
        while let first = rest.first {
            if ["-n", "--netns"].contains(first), rest.count >= 2 {
                moved += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--netns=") || first == "--json" {
                moved.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        return Array(rest) + moved
    }

    static func fail(_ message: String, status: Int32) -> Never {
        warn(message)
        exit(status)
    }

    /// One line on stderr.
    static func warn(_ message: String) {
        var line = "swarmlb: " + message.split(separator: "\n").joined(separator: " ") + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

/// swarmlb: Docker Swarm's per-namespace service load balancing (VIPs, marks, IPVS, SNAT) as one tool.
struct SwarmLB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmlb",
        abstract: "Program and inspect Docker Swarm-style service load balancing in a network namespace.",
        discussion: """
            Each command mirrors a classic tool: vip (ip addr + iptables -t mangle), mark (iptables -t mangle), \
            fwm and real (ipvsadm), snat (iptables -t nat + sysctl), service (all of them in one transaction). \
            Exit status: 0 ok, 1 runtime failure, 2 usage error.
            """,
        version: "0.1.0",
        subcommands: [VIPCommand.self, MarkCommand.self, FWMCommand.self, RealCommand.self, SNATCommand.self,
                      ServiceCommand.self, InspectCommand.self, DNSCommand.self])
}
