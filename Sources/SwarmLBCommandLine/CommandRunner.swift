import ArgumentParser
import Glibc
import SwarmLBKit

/// Runs a root command of swarmlb's and maps every failure to one line on stderr and an exit
/// status: 0 ok, 1 runtime failure, 2 usage error (3 is inspect's "problems found").
public enum CommandRunner {
    public static func run<Root: ParsableCommand>(_ root: Root.Type) -> Never {
        do {
            var command = try Root.parseAsRoot(leadingOptionsMovedLast(Array(CommandLine.arguments.dropFirst())))
            try command.run()
            exit(0)
        } catch let error as SwarmLBKit.ValidationError {
            fail(error.description, status: 2)
        } catch let error as KernelError {
            if case .interrupted(let signal) = error { fail(error.description, status: 128 + signal) }
            fail(error.description, status: 1)
        } catch let error as Transaction.Failure {
            fail(error.description, status: error.exitStatus)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let status = Root.exitCode(for: error)
            if status == .success { Root.exit(withError: error) }
            // The parser reports bad arguments as EX_USAGE (64); swarmlb's usage status is 2.
            let usage = status == .validationFailure
            let message = Root.message(for: error)
            fail(usage ? message + " (see '\(Root._commandName) --help')" : message, status: usage ? 2 : 1)
        }
    }

    /// `swarmlb -n NS vip list` is read as `swarmlb vip list -n NS`, as with `ip -n NS`:
    /// the options every command takes may lead the command line.
    public static func leadingOptionsMovedLast(_ args: [String]) -> [String] {
        var rest = args[...]
        var moved: [String] = []
        while let first = rest.first {
            if ["-n", "--netns", "--backend", "--wait"].contains(first), rest.count >= 2 {
                moved += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if ["--netns=", "--backend=", "--wait="].contains(where: first.hasPrefix) || first == "--json" {
                moved.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        return Array(rest) + moved
    }

    public static func fail(_ message: String, status: Int32) -> Never {
        warn(message)
        exit(status)
    }

    /// One line on stderr.
    public static func warn(_ message: String) {
        var line = "swarmlb: " + message.split(separator: "\n").joined(separator: " ") + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
