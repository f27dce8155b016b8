import ArgumentParser
import Glibc
import Logging
import NIOCore
import NIOPosix
import SwarmLBCommandLine
import SwarmLBDNS
import SwarmLBKit

/// swarmlb-dns: the embedded resolver behind `swarmlb dns serve`, in its own executable because it
/// alone needs Foundation (Yams) and SwiftNIO. All kernel work (entering the namespace, the nat
/// rules) happens on the main thread; NIO's threads are created after setns and so live inside it.
@main
struct DNSServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmlb-dns",
        abstract: "Serve a services file's names on 127.0.0.11 (run as swarmlb dns serve).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var options: DNSServeOptions

    static func main() { CommandRunner.run(DNSServe.self) }

    func run() throws {
        let address = try Parse.address(options.listen)
        if let port = options.port, !(0...65535).contains(port) { throw SwarmLBKit.ValidationError(String(port), "port (0-65535)") }
        guard options.tcpIdle > 0 else { throw SwarmLBKit.ValidationError(String(options.tcpIdle), "TCP idle timeout (seconds, at least 1)") }
        let upstreams = try (options.upstream.isEmpty ? ResolvConf.nameservers() : options.upstream.map { text in
            guard let a = ResolvConf.upstream(text) else { throw SwarmLBKit.ValidationError(text, "upstream (IP[:PORT])") }
            return a
        }).prefix(3)  // as Docker and glibc: three at most
        let services = try ServicesFile.load(path: options.config)

        // Signals are taken on this thread; blocked before any other thread exists.
        let signals = SignalSet([SIGTERM, SIGINT, SIGHUP])

        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "swarmlb.dns")
        // Upstream sockets from the namespace we start in, made before leaving it (see `upstreamRoutes`).
        let entering = common.netns != nil
        let fromStart = entering ? upstreams.map { try? Self.connect(to: $0) } : []
        let session = try Session(common)  // enters the namespace on this (main) thread
        let routes = Self.upstreamRoutes(upstreams, fromStart: fromStart, entering: entering, logger: logger)
        let transaction = Transaction(kernel: session.kernel)
        _ = try transaction.apply([.setLink("lo", up: true)], ifExists: false)  // 127.0.0.11 lives on lo
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)  // threads born inside the namespace
        defer { try? group.syncShutdownGracefully() }
        let forwarder = try UpstreamForwarder(upstreams: routes.map(\.upstream), group: group, maxInFlight: options.maxInflight,
                                              logger: logger)
        defer { forwarder.close() }
        let resolver = Resolver(ServiceDirectory(services, ttl: options.ttl), forwarder: forwarder, logger: logger,
                                verbose: options.verbose)
        let server = try DNSServer(group: group, address: address, port: UInt16(options.port ?? 0), resolver: resolver,
                                   idleTimeout: .seconds(Int64(options.tcpIdle)))
        defer { server.close() }
        let redirect = options.port == nil ? DNSRedirect(address: address, tcpPort: server.tcpPort, udpPort: server.udpPort) : nil
        if let redirect { _ = try transaction.apply(redirect.addChanges, ifExists: false) }
        logger.info("listening on \(address) udp/\(server.udpPort) tcp/\(server.tcpPort)\(redirect == nil ? "" : ", port 53 redirected by nat DOCKER_OUTPUT"); \(resolver.nameCount) names of network \(services.network); upstreams: \(routes.isEmpty ? "none" : routes.map(\.description).joined(separator: ", "))")

        HeapMemory.releaseFreed()  // what parsing the file took; the resolver keeps only the directory
        var modified = modificationTime(ofFile: options.config)
        while true {
            let signal = signals.wait(seconds: 1)
            if signal == SIGTERM || signal == SIGINT { break }
            let changed = options.watch && modificationTime(ofFile: options.config) != modified
            if signal == SIGHUP || changed {
                modified = modificationTime(ofFile: options.config)
                do {
                    let reloaded = try ServicesFile.load(path: options.config)
                    resolver.reload(ServiceDirectory(reloaded, ttl: options.ttl))
                    logger.info("reloaded \(options.config): \(resolver.nameCount) names")
                    HeapMemory.releaseFreed()
                } catch {
                    logger.error("reload failed, still serving the previous names: \(error)")
                }
            }
            if let redirect, let nat = try? session.kernel.firewall().dump(.nat), !redirect.isInstalled(in: nat) {
                do {
                    _ = try transaction.apply(redirect.addChanges, ifExists: false)
                    logger.warning("the nat rules to \(address) were removed (nat table flushed?); put them back")
                } catch Transaction.Failure.interrupted {
                    break  // the SIGTERM/SIGINT that stops the server came while the rules were going back in
                } catch {
                    logger.error("cannot put the nat rules back: \(error)")
                }
            }
        }
        if let redirect { _ = try transaction.apply(redirect.deleteChanges, ifExists: true) }
        logger.info("stopped")
    }

    /// An upstream server and the namespace its queries leave from, as logged at start.
    struct UpstreamRoute {
        var upstream: UpstreamForwarder.Upstream
        var fromServedNamespace: Bool
        var description: String { "\(upstream.address.endpoint) (asked from the \(fromServedNamespace ? "served" : "starting") namespace)" }
    }

    /// Each upstream is asked from the namespace it is reachable from, as Docker's resolver does:
    /// the served one when it routes there and is not a loopback address (127.0.0.53 inside a
    /// container is not the host's), else the namespace we started in, where resolv.conf was read.
    static func upstreamRoutes(_ upstreams: ArraySlice<SocketAddress>, fromStart: [UpstreamForwarder.Upstream?], entering: Bool,
                               logger: Logger) -> [UpstreamRoute] {
        upstreams.enumerated().compactMap { i, address in
            let started = entering ? fromStart[i] : nil
            let loopback = address.ipAddress.map { $0.hasPrefix("127.") || $0 == "::1" } ?? false
            if !(entering && loopback), let served = try? connect(to: address) {
                started?.socket.close()
                return UpstreamRoute(upstream: served, fromServedNamespace: true)
            }
            if let started { return UpstreamRoute(upstream: started, fromServedNamespace: false) }
            logger.warning("upstream \(address.endpoint) is unreachable from \(entering ? "either namespace" : "this namespace"); not used")
            return nil
        }
    }

    static func connect(to address: SocketAddress) throws -> UpstreamForwarder.Upstream {
        let socket = try address.withSockAddr { sockaddr, length in
            try ConnectedDatagramSocket(address: sockaddr, length: length, server: address.endpoint)
        }
        return UpstreamForwarder.Upstream(address: address, socket: socket)
    }
}
