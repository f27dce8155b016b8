import ArgumentParser
import Glibc
import SwarmLBKit

/// Options every swarmlb command takes.
public struct CommonOptions: ParsableArguments {
    public init() {}
    // An array only so that a second -n is seen and refused (the parser would let the last one win).
    @Option(
        name: [.customShort("n"), .customLong("netns")], parsing: .singleValue,
        help: ArgumentHelp(
            "Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.",
            valueName: "ns"), completion: Completions.namespaces, transform: Parse.namespace)
    var netnsArguments: [NamespaceTarget] = []

    /// The namespace asked for with -n/--netns, if any.
    public var netns: NamespaceTarget? { netnsArguments.first }

    @Flag(help: "Print JSON instead of text.")
    public var json = false

    @Option(
        help: ArgumentHelp(
            "iptables backend: auto (the one already holding rules in the namespace, else the host's iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.",
            valueName: "backend"))
    public var backend: FirewallSelection.Choice?

    @Option(
        help: ArgumentHelp(
            "Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.",
            valueName: "seconds"))
    public var wait: Double?

    /// The backend asked for: --backend, else $SWARMLB_BACKEND, else auto.
    public func backendChoice() throws -> FirewallSelection.Choice { try Self.backendChoice(given: backend) }

    /// The backend `given` with --backend, else $SWARMLB_BACKEND, else auto.
    public static func backendChoice(given: FirewallSelection.Choice?) throws -> FirewallSelection.Choice {
        if let given { return given }
        guard let env = getenv("SWARMLB_BACKEND").map({ String(cString: $0) }), !env.isEmpty else { return .auto }
        guard let choice = FirewallSelection.Choice(rawValue: env) else {
            throw SwarmLBKit.ValidationError(env, "SWARMLB_BACKEND (auto, legacy, nft)")
        }
        return choice
    }

    public func validate() throws {
        if let wait, !(wait >= 0) { throw ValidationError("--wait takes a number of seconds, 0 or more") }
        if netnsArguments.count > 1 {
            throw ValidationError(
                "-n/--netns given more than once (\(netnsArguments.map { "\"\($0)\"" }.joined(separator: ", "))): name one namespace")
        }
    }

    /// The options of this group that take a value, by every name they have: how far a leading run of
    /// them (`swarmlb -n NS --json vip list`) goes.
    static let valueNames: Set<String> = ["-n", "--netns", "--backend", "--wait"]
    static let flagNames: Set<String> = ["--json"]

    /// These options as arguments again (`--netns=NS --json ...`), for a program swarmlb execs.
    public var arguments: [String] {
        var args = netnsArguments.map { "--netns=\($0)" }
        if json { args.append("--json") }
        if let backend { args.append("--backend=\(backend.rawValue)") }
        if let wait { args.append("--wait=\(wait)") }
        return args
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
