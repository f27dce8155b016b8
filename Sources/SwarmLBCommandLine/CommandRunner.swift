import ArgumentParser
import Glibc
import SwarmLBKit
import SwarmLBServices

/// Runs a root command of swarmlb's and maps every failure to one line on stderr and an exit
/// status: 0 ok, 1 runtime failure, 2 usage error (3 is inspect's "problems found").
public enum CommandRunner {
    public static func run<Root: ParsableCommand>(_ root: Root.Type) -> Never {
        let args = Array(CommandLine.arguments.dropFirst())
        // Even when parsing fails, an error asked for as JSON is JSON.
        jsonErrors = args.prefix { $0 != "--" }.contains("--json")
        reporting(root, usageHint: Root._commandName) {
            var command = try Root.parseAsRoot(try leadingOptionsMovedLast(args))
            try command.run()
        }
    }

    /// Runs the work of a command whose arguments were read without the parser (`swarmlb apply`'s),
    /// with the same exit statuses and error lines as `run(_:)`; a usage error points to `usageHint --help`.
    public static func run<Command: ParsableCommand>(
        _ command: Command.Type, json: Bool, usageHint: String, _ body: () throws -> Void
    ) -> Never {
        jsonErrors = json
        reporting(command, usageHint: usageHint, body)
    }

    private static func reporting<Root: ParsableCommand>(_ root: Root.Type, usageHint: String, _ body: () throws -> Void) -> Never {
        do {
            try body()
            exit(0)
        } catch let error as SwarmLBKit.ValidationError {
            fail(error.description, status: 2)
        } catch let error as KernelError {
            if case .interrupted(let signal) = error { fail(error.description, status: 128 + signal) }
            fail(error.description, status: 1)
        } catch let error as ServicesFileError {
            fail(error.description, status: error.exitStatus)
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
            fail(usage ? message + " (see '\(usageHint) --help')" : message, status: usage ? 2 : 1)
        }
    }

    /// `swarmlb -n NS vip list` is read as `swarmlb vip list -n NS`, as with `ip -n NS`: the options
    /// every command takes may lead the command line. The leading run is parsed as `CommonOptions`
    /// (so a missing value, an empty or malformed namespace is a usage error there) and handed to
    /// the command as the arguments those parsed options stand for; a second `-n` is then refused.
    public static func leadingOptionsMovedLast(_ args: [String]) throws -> [String] {
        let end = leadingOptionsEnd(args)
        guard end > 0 else { return args }
        let leading = try CommonOptions.parse(Array(args[..<min(end, args.count)]))
        if end >= args.count {
            throw ArgumentParser.ValidationError(
                "\(args.joined(separator: " ")) must be followed by a command, e.g. 'swarmlb -n NS vip list'")
        }
        // Before a `--`, so that they stay options and an error about what follows `--` names only what was typed.
        var rest = Array(args[end...])
        rest.insert(contentsOf: leading.arguments, at: rest.firstIndex(of: "--") ?? rest.endIndex)
        return rest
    }

    /// Where the leading run of common options (`-n NS --json`) ends: the index of the command word.
    private static func leadingOptionsEnd(_ args: [String]) -> Int {
        var end = 0
        while end < args.count {
            let a = args[end]
            let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
            if CommonOptions.flagNames.contains(a) || (a.hasPrefix("--") && a.contains("=") && CommonOptions.valueNames.contains(name)) {
                end += 1
            } else if CommonOptions.valueNames.contains(a) {
                end += 2
            } else {
                break
            }
        }
        return end
    }

    /// With --json, failures are one JSON object on stderr: `{"error": "...", "exit_status": N}`.
    nonisolated(unsafe) static var jsonErrors = false

    public static func fail(_ message: String, status: Int32) -> Never {
        if jsonErrors {
            var line = "{\"error\":\(jsonStringLiteral(message.split(separator: "\n").joined(separator: " "))),\"exit_status\":\(status)}\n"
            line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        } else {
            warn(message)
        }
        exit(status)
    }

    /// One line on stderr.
    public static func warn(_ message: String) {
        var line = "swarmlb: " + message.split(separator: "\n").joined(separator: " ") + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
