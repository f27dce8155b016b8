import SwarmLBCommandLine
import SwarmLBKit

/// The arguments of `swarmlb [COMMON...] apply [OPTIONS...]` read without the argument parser
/// (`PlainCommandLine`), `--config` and `--dev` given and each value accepted by the option's own
/// transform (`Parse`); anything else gives nil and is left to the parser. swarmlbTests checks that
/// both read every case alike.
struct ApplyCommandLine {
    /// The command's options, as the parser would have read them.
    let invocation: ApplyInvocation

    /// Each option `apply` takes.
    static let options =
        PlainCommandLine.commonOptions
        + [
            ("--dry-run", false), ("--config", true), ("--dev", true), ("--chain", true), ("--to-source", true), ("--prune", false),
            ("--check", false), ("--overlay", true), ("--node", true),
        ].map { PlainCommandLine.Option(name: $0, takesValue: $1) }

    init?(_ args: [String]) {
        guard let line = PlainCommandLine(args, command: ["apply"], options: Self.options),
            let config = line["--config"], let dev = line["--dev"]
        else { return nil }
        do {
            invocation = ApplyInvocation(
                netns: try line.netns(), json: line.flag("--json"), backend: try line.backend(), wait: try line.wait(),
                dryRun: line.flag("--dry-run"), config: config, dev: try Parse.device(dev),
                chain: try line["--chain"].map(Parse.vipChain) ?? ApplyOptions.defaultChain,
                toSource: try line["--to-source"].map(Parse.address), prune: line.flag("--prune"), check: line.flag("--check"),
                overlay: try line["--overlay"].map(Parse.namespace), node: try line["--node"].map(Parse.address))
        } catch {
            return nil
        }
    }
}
