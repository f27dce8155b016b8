import ArgumentParser
import SwarmLBCommandLine
import SwarmLBServices

/// The options of `swarmlb inspect [services]` beyond the common ones.
struct InspectOptions: ParsableArguments {
    init() {}

    @Flag(
        help: """
            Inspect the namespace swarmlb runs in (the host) and every namespace under /run/docker/netns and /run/netns \
            (a file there that is no longer a mounted namespace, as a removed container leaves one for a while, is skipped with a note).
            """)
    var all = false
    @Option(
        help: ArgumentHelp(
            "Compare the namespace with a services file (YAML or JSON, as dns serve reads it) or the output of docker network inspect -v NET (one network). \(ServicesFileLimits.summary)",
            valueName: "file"),
        completion: .file())
    var expect: String?

    func validate() throws {
        if all && expect != nil { throw ValidationError("--expect compares one namespace with its file; it takes -n NS, not --all") }
    }
}
