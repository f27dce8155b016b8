import ArgumentParser
import Glibc
import SwarmLBKit

/// Runs a root command of swarmlb's and maps every failure to one line on stderr and an exit
/// status: 0 ok, 1 runtime failure, 2 usage error (3 is inspect's "problems found").
public enum CommandRunner {
    /// `usageHint` names the command whose --help a usage error points to (default: the root's name).
    public static func run<Root: ParsableCommand>(_ root: Root.Type, usageHint: String? = nil) -> Never {
        let args = Array(CommandLine.arguments.dropFirst())
        // Even when parsing fails, an error asked for as JSON is JSON.
        jsonErrors = args.prefix { $0 != "--" }.contains("--json")
        do {
            var command = try Root.parseAsRoot(try leadingOptionsMovedLast(args))
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
            fail(usage ? message + " (see '\(usageHint ?? Root._commandName) --help')" : message, status: usage ? 2 : 1)
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
        return Array(args[end...]) + leading.arguments
    }

    /// The arguments of `swarmlb apply ...` for swarmlb-apply (the word `apply` taken out), when that is
    /// the command and no help, version or completion is asked for, which only swarmlb's whole command
    /// tree answers: swarmlb then hands over before building that tree.
    public static func applyArguments(_ args: [String]) -> [String]? {
        let command = leadingOptionsEnd(args)
        guard command < args.count, args[command] == "apply" else { return nil }
        let rootOnly = ["-h", "--help", "-help", "--version", "--generate-completion-script", "--experimental-dump-help"]
        guard !args.contains(where: { a in rootOnly.contains { a == $0 || a.hasPrefix($0 + "=") } }) else { return nil }
        // The leading options go last, as swarmlb-apply's own parser reads them, so that it does not
        // parse them a second time (leadingOptionsMovedLast); not past a `--`.
        guard !args.contains("--") else { return Array(args[..<command] + args[(command + 1)...]) }
        return Array(args[(command + 1)...] + args[..<command])
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
