import SwarmLBCommandLine
import SwarmLBKit

/// The arguments of `swarmlb [COMMON...] inspect iptables [OPTIONS...]` read without the argument
/// parser (`PlainCommandLine`), each value accepted by the option's own transform (`Parse`); anything
/// else gives nil and is left to the parser. swarmlbTests checks that both read every case alike.
struct InspectIPTablesCommandLine {
    /// The command's options, as the parser would have read them.
    let invocation: InspectIPTablesInvocation

    /// Each option `inspect iptables` takes.
    static let options =
        PlainCommandLine.commonOptions + [
            PlainCommandLine.Option(name: "--table", short: "-t", takesValue: true),
            PlainCommandLine.Option(name: "--save", takesValue: false),
        ]

    init?(_ args: [String]) {
        guard let line = PlainCommandLine(args, command: ["inspect", "iptables"], options: Self.options) else { return nil }
        do {
            invocation = InspectIPTablesInvocation(
                netns: try line.netns(), json: line.flag("--json"), backend: try line.backend(), wait: try line.wait(),
                table: try line["--table"].map(Parse.table), save: line.flag("--save"))
        } catch {
            return nil
        }
    }
}
