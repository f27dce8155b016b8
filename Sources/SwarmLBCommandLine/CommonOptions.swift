import ArgumentParser
import Glibc
import SwarmLBKit

/// Options every swarmlb command takes.
public struct CommonOptions: ParsableArguments {
    public init() {}
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Network namespace to work in: a Docker netns ID, a name under /run/netns, a path, or pid:N.",
        valueName: "ns"))
    public var netns: String?

    @Flag(help: "Print JSON instead of text.")
    public var json = false

    @Option(help: ArgumentHelp(
        "iptables backend: auto (the one already holding rules in the namespace, else the host's iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.",
        valueName: "backend"))
    public var backend: FirewallSelection.Choice?

    @Option(help: ArgumentHelp(
        "Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.",
        valueName: "seconds"))
    public var wait: Double?

    /// The backend asked for: --backend, else $SWARMLB_BACKEND, else auto.
    public func backendChoice() throws -> FirewallSelection.Choice {
        if let backend { return backend }
        guard let env = getenv("SWARMLB_BACKEND").map({ String(cString: $0) }), !env.isEmpty else { return .auto }
        guard let choice = FirewallSelection.Choice(rawValue: env) else {
            throw SwarmLBKit.ValidationError(env, "SWARMLB_BACKEND (auto, legacy, nft)")
        }
        return choice
    }

    public func validate() throws {
        if let wait, !(wait >= 0) { throw ValidationError("--wait takes a number of seconds, 0 or more") }
    }
}

extension FirewallSelection.Choice: ExpressibleByArgument {}

/// Options of commands that change the kernel.
public struct ChangeOptions: ParsableArguments {
    public init() {}
    @Flag(help: "Print the kernel changes that would be made, as classic commands, and change nothing.")
    public var dryRun = false
}

/// Options of commands that remove things.
public struct RemovalOptions: ParsableArguments {
    public init() {}
    @Flag(help: "Succeed when what is to be deleted is not there.")
    public var ifExists = false
}
