import SwarmLBCommandLine
import SwarmLBKit

/// A command line of one command read by hand, so that the commands run at scale (`apply`,
/// `inspect iptables`) start without the argument parser: its reflection over the command tree
/// (Mirror, conformance lookups, generic metadata) is most of their start (docs/benchmarks.md). It
/// takes only what the parser reads the same way: the command's words in a row, before them only
/// the common options, each option at most once as `--name value`, `--name=value` or `-x value`, no
/// value empty or starting with `-`. Anything else (help, a typo, an option twice, `--`) gives nil
/// and is left to the parser and its errors. swarmlbTests checks that both read every case alike.
struct PlainCommandLine {
    /// An option by its long name and its short one if any: whether it takes a value or none (a
    /// flag), and whether it may come before the command's words (the common options).
    struct Option {
        let name: String
        var short: String? = nil
        let takesValue: Bool
        var common = false
    }

    /// The common options (`CommonOptions`).
    static let commonOptions = [
        Option(name: "--netns", short: "-n", takesValue: true, common: true), Option(name: "--json", takesValue: false, common: true),
        Option(name: "--backend", takesValue: true, common: true), Option(name: "--wait", takesValue: true, common: true),
    ]

    /// Each option given, by its long name, and its value ("" for a flag). Arrays, not dictionaries:
    /// a first Dictionary costs the runtime a walk of every protocol conformance (String: Hashable).
    private var given: [(name: String, value: String)] = []

    init?(_ args: [String], command: [String], options: [Option]) {
        var seenCommand = false
        var rest = args[...]
        while let arg = rest.popFirst() {
            if !seenCommand, arg == command[0] {
                guard rest.starts(with: command.dropFirst()) else { return nil }
                rest = rest.dropFirst(command.count - 1)
                seenCommand = true
                continue
            }
            var (name, value) = Self.nameAndValue(arg)
            guard let option = options.first(where: { $0.name == name || $0.short == name }), seenCommand || option.common,
                !given.contains(where: { $0.name == option.name })
            else { return nil }
            if option.takesValue, value == nil { value = rest.popFirst() }
            guard option.takesValue == (value != nil) else { return nil }
            if let value, value.isEmpty || value.hasPrefix("-") { return nil }
            given.append((option.name, value ?? ""))
        }
        guard seenCommand else { return nil }
    }

    /// The value given to the option `name` (its long name), if it was.
    subscript(_ name: String) -> String? { given.first { $0.name == name }?.value }

    /// Whether the flag `name` was given.
    func flag(_ name: String) -> Bool { self[name] != nil }

    /// --netns as the parser reads it.
    func netns() throws -> NamespaceTarget? { try self["--netns"].map(Parse.namespace) }

    /// --backend as the parser reads it (the raw value).
    func backend() throws -> FirewallSelection.Choice? {
        try self["--backend"].map { s in
            guard let choice = FirewallSelection.Choice(rawValue: s) else { throw Refused() }
            return choice
        }
    }

    /// --wait as the parser reads a Double, and as CommonOptions.validate() takes it (0 or more).
    func wait() throws -> Double? {
        try self["--wait"].map { s in
            guard let n = Double(s), n >= 0 else { throw Refused() }
            return n
        }
    }

    /// A value the parser's own reading refuses.
    struct Refused: Error {}

    /// `--name=value` as its two parts; anything else as it is, with no value.
    private static func nameAndValue(_ arg: String) -> (String, String?) {
        guard arg.hasPrefix("--"), let equals = arg.firstIndex(of: "=") else { return (arg, nil) }
        return (String(arg[..<equals]), String(arg[arg.index(after: equals)...]))
    }
}
