import SwarmLBCommandLine
import SwarmLBKit

/// The arguments of `swarmlb [COMMON...] apply [OPTIONS...]` read by hand, so that apply starts without
/// the argument parser: its reflection over the command tree (Mirror, conformance lookups, generic
/// metadata) costs more under emulation than the rest of a small change's start (docs/benchmarks.md).
/// It takes only what the parser reads the same way: each option at most once, as `--name value`,
/// `--name=value` or `-n value`, each value accepted by the option's own transform (`Parse`), `--config`
/// and `--dev` given, and before the word `apply` only the common options. Anything else (help, a typo,
/// a missing or refused value, an option twice, `--`) gives nil and is left to the parser and its
/// errors. swarmlbTests checks that both read every case alike.
struct ApplyCommandLine {
    /// The command's options, as the parser would have read them.
    let invocation: ApplyInvocation

    /// Each long option `apply` takes: whether it takes a value, and whether it may come before `apply`
    /// (the common options). `-n` is `--netns`.
    static let options: [String: (takesValue: Bool, common: Bool)] = [
        "--netns": (true, true), "--json": (false, true), "--backend": (true, true), "--wait": (true, true),
        "--dry-run": (false, false), "--config": (true, false), "--dev": (true, false), "--chain": (true, false),
        "--to-source": (true, false), "--prune": (false, false), "--check": (false, false), "--overlay": (true, false),
        "--node": (true, false),
    ]

    init?(_ args: [String]) {
        var given: [String: String] = [:]
        var command = false
        var rest = args[...]
        while let arg = rest.popFirst() {
            if !command, arg == "apply" {
                command = true
                continue
            }
            var (name, value) = Self.nameAndValue(arg)
            guard let option = Self.options[name], command || option.common else { return nil }
            if option.takesValue, value == nil { value = rest.popFirst() }
            guard option.takesValue == (value != nil), given.updateValue(value ?? "", forKey: name) == nil else { return nil }
            if let value, value.isEmpty || value.hasPrefix("-") { return nil }
        }
        guard command, let config = given["--config"], let dev = given["--dev"] else { return nil }
        do {
            invocation = ApplyInvocation(
                netns: try given["--netns"].map(Parse.namespace), json: given["--json"] != nil,
                backend: try given["--backend"].map(Self.backend), wait: try given["--wait"].map(Self.seconds),
                dryRun: given["--dry-run"] != nil, config: config, dev: try Parse.device(dev),
                chain: try given["--chain"].map(Parse.vipChain) ?? ApplyOptions.defaultChain,
                toSource: try given["--to-source"].map(Parse.address), prune: given["--prune"] != nil, check: given["--check"] != nil,
                overlay: try given["--overlay"].map(Parse.namespace), node: try given["--node"].map(Parse.address))
        } catch {
            return nil
        }
    }

    /// `--name=value` as its two parts, `-n` as `--netns`; anything else as it is, with no value.
    private static func nameAndValue(_ arg: String) -> (String, String?) {
        if arg == "-n" { return ("--netns", nil) }
        guard arg.hasPrefix("--"), let equals = arg.firstIndex(of: "=") else { return (arg, nil) }
        return (String(arg[..<equals]), String(arg[arg.index(after: equals)...]))
    }

    /// A value the parser's own reading refuses.
    private struct Refused: Error {}

    /// --backend as the parser reads it (the raw value).
    private static func backend(_ s: String) throws -> FirewallSelection.Choice {
        guard let choice = FirewallSelection.Choice(rawValue: s) else { throw Refused() }
        return choice
    }

    /// --wait as the parser reads a Double, and as CommonOptions.validate() takes it (0 or more).
    private static func seconds(_ s: String) throws -> Double {
        guard let n = Double(s), n >= 0 else { throw Refused() }
        return n
    }
}
