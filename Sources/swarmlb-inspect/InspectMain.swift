import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit
import SwarmLBServices

/// swarmlb-inspect: `swarmlb inspect --expect FILE`, in its own executable because reading the
/// services file needs libyaml. Reads the file before entering the namespace, so a bad
/// file is one line and an exit status (2 malformed, 1 unreadable, as dns serve) with nothing read.
@main
struct InspectMain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmlb-inspect",
        abstract: "Compare a namespace's load balancing with a services file (run as swarmlb inspect --expect FILE).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var options: InspectOptions

    static func main() { CommandRunner.run(InspectMain.self) }

    func run() throws {
        guard let path = options.expect else { throw ArgumentParser.ValidationError("swarmlb-inspect needs --expect FILE") }
        let expected: NetworkServices
        do {
            expected = try ServicesFile.load(path: path)
        } catch {
            CommandRunner.fail(error.description, status: error.isUnreadable ? 1 : 2)
        }
        try NamespaceInspection.run(common, all: options.all, expected: expected)
    }
}
