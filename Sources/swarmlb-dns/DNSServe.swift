import ArgumentParser
import Glibc
import Logging
import NIOCore
import NIOPosix
import SwarmLBCommandLine
import SwarmLBDNS
import SwarmLBKit
import SwarmLBServices

/// swarmlb-dns: the embedded resolver behind `swarmlb dns serve`, in its own executable because it
/// alone needs Foundation, libyaml and SwiftNIO. All kernel work (entering the namespace, the nat
/// rules) happens on the main thread; threads are created after setns and so live inside it, but
/// for those that ask the starting namespace's upstreams, created before.
@main
struct DNSServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmlb-dns",
        abstract: "Serve a services file's names on 127.0.0.11 (run as swarmlb dns serve).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var options: DNSServeOptions

    static func main() { CommandRunner.run(DNSServe.self) }

    func run() throws {
        let settings = try Settings(options, entersNamespace: common.netns != nil)
        // Signals are taken on this thread; blocked before any other thread exists.
        let signals = SignalSet([SIGTERM, SIGINT, SIGHUP])
        let logger = Self.logger(json: common.json)

        // The starting namespace's upstreams are asked by threads made here, before leaving it.
        let starting = settings.upstreams.needsStartingAccess ? try UpstreamAccess() : nil
        defer { starting?.close() }
        let session = try Session(common)  // enters the namespace on this (main) thread
        // One resolver per address and port (53 for the nat redirect).
        let claim = try ResolverClaim(
            address: settings.address, port: options.port ?? 53, nat: try session.kernel.firewall().dump(.nat))
        defer { claim.release() }
        _ = try Transaction(kernel: session.kernel).run([.change(.setLink("lo", up: true))])  // 127.0.0.11 lives on lo
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)  // threads born inside the namespace
        defer { try? group.syncShutdownGracefully() }
        let served = try UpstreamAccess(streams: group)
        defer { served.close() }

        let forwarder = UpstreamForwarder(
            routes: settings.upstreams.routes(served: served, starting: starting),
            maxInFlight: options.maxInflight, logger: logger)
        let resolver = Resolver(
            ServiceDirectory(settings.services, ttl: options.ttl), forwarder: forwarder, logger: logger,
            verbose: options.verbose)
        let descriptors = DescriptorLimit.raiseToHard()
        let tcpConnections = descriptors.tcpConnections(wanted: options.maxTcp, inFlight: options.maxInflight)
        if tcpConnections < options.maxTcp {
            logger.warning(
                "at most \(tcpConnections) TCP connections, not \(options.maxTcp): the descriptor limit (\(descriptors.open)) keeps room for \(options.maxInflight) upstream queries"
            )
        }
        let server = try DNSServer(
            group: group, address: settings.address, port: options.port ?? 0, resolver: resolver,
            limits: TCPLimits(connections: tcpConnections, idle: .seconds(Int64(options.tcpIdle))))
        defer { server.close() }
        let keeper = try redirect(settings, server, claim, session.kernel, logger)
        logger.info(
            "listening on \(settings.address) udp/\(server.udpPort) tcp/\(server.tcpPort)\(keeper == nil ? "" : ", port 53 redirected by nat DOCKER_OUTPUT"); \(resolver.nameCount) names of network\(settings.services.count == 1 ? "" : "s") \(settings.services.map(\.network).joined(separator: ", ")); upstreams: \(settings.upstreams)"
        )

        HeapMemory.releaseFreed()  // what parsing the file took; the resolver keeps only the directory
        serve(resolver, keeper, signals, logger)
        try keeper?.remove()
        logger.info("stopped; \(forwarder.droppedAnswers) upstream answers dropped as not matching their query")
    }

    /// The options, validated before anything changes.
    struct Settings {
        var address: IPv4Address
        var upstreams: UpstreamPlan
        var services: [NetworkServices]

        init(_ options: DNSServeOptions, entersNamespace: Bool) throws {
            address = options.listen
            upstreams = UpstreamPlan(
                given: options.upstream, entersNamespace: entersNamespace, hostResolvConf: { ResolvConf.nameservers() })
            services = try ServicesFile.loadNetworks(path: options.config)
        }
    }

    static func logger(json: Bool) -> Logger {
        LoggingSystem.bootstrap { label in json ? JSONLogHandler(label: label) as LogHandler : StreamLogHandler.standardError(label: label)
        }
        return Logger(label: "swarmlb.dns")
    }

    /// Unless the server binds port 53 itself: the nat rules that send port 53 to it, installed
    /// after removing those of a dead resolver of the address (with `--port 53`, only those go).
    func redirect(
        _ settings: Settings, _ server: DNSServer, _ claim: ResolverClaim, _ kernel: Kernel,
        _ logger: Logger
    ) throws -> DNSRedirectKeeper? {
        let keeper = DNSRedirectKeeper(
            DNSRedirect(address: settings.address, tcpPort: server.tcpPort, udpPort: server.udpPort),
            kernel: kernel)
        let removed = try options.port == nil ? keeper.install(replacing: claim.stale) : keeper.removeStale(claim.stale)
        if !removed.isEmpty {
            logger.warning("removed the nat rules of a resolver no longer running: \(removed.joined(separator: "; "))")
        }
        return options.port == nil ? keeper : nil
    }

    /// Serves until SIGTERM/SIGINT: reloads the file on SIGHUP (and, with --watch, when it
    /// changes) and puts the nat rules back when they vanish, checking once a second.
    func serve(_ resolver: SwarmLBDNS.Resolver, _ keeper: DNSRedirectKeeper?, _ signals: SignalSet, _ logger: Logger) {
        var modified = modificationTime(ofFile: options.config)
        while true {
            let signal = signals.wait(seconds: 1)
            if signal == SIGTERM || signal == SIGINT { return }
            let changed = options.watch && modificationTime(ofFile: options.config) != modified
            if signal == SIGHUP || changed {
                modified = modificationTime(ofFile: options.config)
                do {
                    let reloaded = try ServicesFile.loadNetworks(path: options.config)
                    resolver.reload(ServiceDirectory(reloaded, ttl: options.ttl))
                    logger.info("reloaded \(options.config): \(resolver.nameCount) names")
                    HeapMemory.releaseFreed()
                } catch {
                    logger.error("reload failed, still serving the previous names: \(error)")
                }
            }
            do {
                if let keeper, try !keeper.restoreIfRemoved() {
                    logger.warning("the nat rules to \(keeper.redirect.address) were removed (nat table flushed?); put them back")
                }
            } catch Transaction.Failure.interrupted {
                return  // the SIGTERM/SIGINT that stops the server came while the rules were going back in
            } catch {
                logger.error("cannot put the nat rules back: \(error)")
            }
        }
    }
}
