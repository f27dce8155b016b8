import ArgumentParser
import SwarmLBKit
import SwarmLBServices

/// The options of `swarmlb dns serve` (run by the swarmlb-dns executable, which alone links
/// Foundation, libyaml and SwiftNIO, so that every other command starts fast).
public struct DNSServeOptions: ParsableArguments {
    public init() {}

    @Option(
        help:
            "The services file (YAML or JSON), or the output of docker network inspect -v NET... (several networks served together). \(ServicesFileLimits.summary) A reload that fails keeps the previous names.",
        completion: .file())
    public var config: String
    @Option(help: "Address to listen on. Default: 127.0.0.11.", transform: Parse.address) public var listen = IPv4Address.embeddedResolver
    @Option(
        help: "Port to bind (1-65535); 53 binds it directly and installs no nat rules. Default: two free ports + nat rules.",
        transform: Parse.listeningPort)
    public var port: UInt16?
    @Option(
        help:
            "Upstream server for other names: IP[:PORT], asked from the served namespace (Docker's --dns), or host:IP[:PORT], asked from the namespace swarmlb started in; repeatable, 3 at most (default: the host's /etc/resolv.conf, asked from the starting namespace).",
        transform: Parse.upstream)
    public var upstream: [DNSUpstream] = []
    @Option(help: "TTL of the answers, in seconds.") public var ttl: UInt32 = 600
    @Option(help: "Most upstream queries in flight (1 or more); beyond it clients get REFUSED.", transform: Parse.count)
    public var maxInflight = 1024
    @Option(
        help:
            "Most TCP connections open at once (1 or more); beyond it the server accepts no more until one closes. Default: 100.",
        transform: Parse.count)
    public var maxTcp = 100
    @Option(
        help:
            "Seconds a TCP connection may stay without a complete query before the server closes it; a connection also closes after 128 queries (as Docker's). Default: 10.",
        transform: Parse.seconds)
    public var tcpIdle = 10
    @Flag(help: "Reload when the services file changes.") public var watch = false
    @Flag(help: "Log every query.") public var verbose = false

    public func validate() throws {
        if upstream.count > 3 { throw ValidationError("--upstream given \(upstream.count) times: 3 at most, as Docker's resolver asks") }
    }

    /// These options as arguments again, for the swarmlb-dns executable swarmlb execs.
    public var arguments: [String] {
        var args = ["--config=\(config)", "--listen=\(listen)"]
        if let port { args.append("--port=\(port)") }
        args += upstream.map { "--upstream=\($0)" }
        args += ["--ttl=\(ttl)", "--max-inflight=\(maxInflight)", "--max-tcp=\(maxTcp)", "--tcp-idle=\(tcpIdle)"]
        if watch { args.append("--watch") }
        if verbose { args.append("--verbose") }
        return args
    }
}
