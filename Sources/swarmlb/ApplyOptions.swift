import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit
import SwarmLBServices

/// The options of `swarmlb apply` beyond the common ones.
struct ApplyOptions: ParsableArguments {
    init() {}

    @Option(
        help:
            "The services file (YAML or JSON), as dns serve reads it, or the output of docker network inspect -v NET (one network). \(ServicesFileLimits.summary)",
        completion: .file())
    var config: String
    @Option(help: "Device that gets the VIPs and whose address is the SNAT source (the overlay interface).", transform: Parse.device)
    var dev: String
    @Option(
        help:
            "mangle chain of the mark rules: INPUT (Docker's load-balancer namespace, with its IPVS sysctls) or OUTPUT (per container, Docker 1.12-17.x). Default: INPUT.",
        transform: Parse.vipChain)
    var chain = Self.defaultChain
    @Option(help: "Source of the ipvs SNAT rule. Default: the namespace's address on --dev within the subnet.", transform: Parse.address)
    var toSource: IPv4Address?
    @Flag(help: "Also remove the load-balancing objects the file does not name (see docs/apply.md for exactly which).") var prune =
        false
    @Option(
        help:
            "The overlay namespace (Docker's 1-<network id>) where each task whose node: is another node gets its peer entries (neighbour + FDB, MAC derived from its address).",
        completion: Completions.namespaces, transform: Parse.namespace)
    var overlay: NamespaceTarget?
    @Option(
        help:
            "This node's underlay address (its tasks get no peer entries). Default: the task node: among the addresses of the namespace swarmlb starts in.",
        transform: Parse.address)
    var node: IPv4Address?
    @Flag(help: "Change nothing: exit 0 when the namespace matches the file, 3 with the differences (as commands) when not.")
    var check = false
}

extension ApplyOptions {
    /// --chain's default: Docker's load-balancer namespace.
    static let defaultChain = "INPUT"
}
