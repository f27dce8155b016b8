import ArgumentParser
import Glibc
import Logging
import NIOCore
import NIOPosix
import SwarmLBDNS
import SwarmLBKit

/// `swarmlb dns serve`: Docker's embedded resolver at 127.0.0.11, standalone.
struct DNSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns", abstract: "The embedded DNS resolver of a namespace.", subcommands: [Serve.self])

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve a services file's names on 127.0.0.11 until SIGTERM/SIGINT; SIGHUP reloads the file.",
            discussion: """
                Listens on UDP and TCP at --listen on two free ports and installs Docker's nat rules (chains \
                DOCKER_OUTPUT and DOCKER_POSTROUTING) that send port 53 there; puts them back within a second \
                if the nat table is flushed, and removes them on exit. --port 53 binds port 53 itself, with no nat rules.
                """)
        @OptionGroup var common: CommonOptions
        @Option(help: "The services file (YAML or JSON).") var config: String
        @Option(help: "Address to listen on.") var listen = "127.0.0.11"
        @Option(help: "Port to bind; 53 binds it directly and installs no nat rules. Default: two free ports + nat rules.")
        var port: Int?
        @Option(help: "Upstream server for other names, IP[:PORT]; repeatable (default: the host's /etc/resolv.conf).")
        var upstream: [String] = []
        @Option(help: "TTL of the answers, in seconds.") var ttl: UInt32 = 600
        @Option(help: "Most upstream queries in flight; beyond it clients get REFUSED.") var maxInflight = 1024
        @Flag(help: "Reload when the services file changes.") var watch = false
        @Flag(help: "Log every query.") var verbose = false

        func run() throws {
            let address = try Parse.address(listen)
            if let port, !(0...65535).contains(port) { throw SwarmLBKit.ValidationError(String(port), "port (0-65535)") }
            let upstreams = try upstream.isEmpty ? ResolvConf.nameservers() : upstream.map { text in
                guard let a = ResolvConf.upstream(text) else { throw SwarmLBKit.ValidationError(text, "upstream (IP[:PORT])") }
                return a
            }
            let services = try ServicesFile.load(path: config)

            // Signals are taken by sigtimedwait on this thread; block them before any thread exists.
            var signals = sigset_t()
            sigemptyset(&signals)
            for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, s) }
            pthread_sigmask(SIG_BLOCK, &signals, nil)

            let session = try Session(common)  // enters the namespace on this (main) thread
            let transaction = Transaction(kernel: session.kernel)
            _ = try transaction.apply([.setLink("lo", up: true)], ifExists: false)  // 127.0.0.11 lives on lo
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "swarmlb.dns")
            let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)  // threads born inside the namespace
            defer { try? group.syncShutdownGracefully() }
            let resolver = Resolver(ServiceDirectory(services, ttl: ttl),
                                    forwarder: UpstreamForwarder(upstreams: upstreams, maxInFlight: maxInflight, logger: logger),
                                    logger: logger, verbose: verbose)
            let server = try DNSServer(group: group, host: address.description, port: port ?? 0, resolver: resolver)
            defer { server.close() }
            let redirect = port == nil ? DNSRedirect(address: address, tcpPort: server.tcpPort, udpPort: server.udpPort) : nil
            if let redirect { _ = try transaction.apply(redirect.addChanges, ifExists: false) }
            logger.info("listening on \(address) udp/\(server.udpPort) tcp/\(server.tcpPort)\(redirect == nil ? "" : ", port 53 redirected by nat DOCKER_OUTPUT"); \(resolver.nameCount) names of network \(services.network); upstreams: \(upstreams.map(\.description).joined(separator: ", "))")

            var modified = Self.modificationTime(config)
            while true {
                var second = timespec(tv_sec: 1, tv_nsec: 0)
                let signal = sigtimedwait(&signals, nil, &second)
                if signal == SIGTERM || signal == SIGINT { break }
                let changed = watch && Self.modificationTime(config) != modified
                if signal == SIGHUP || changed {
                    modified = Self.modificationTime(config)
                    do {
                        let reloaded = try ServicesFile.load(path: config)
                        resolver.reload(ServiceDirectory(reloaded, ttl: ttl))
                        logger.info("reloaded \(config): \(resolver.nameCount) names")
                    } catch {
                        logger.error("reload failed, still serving the previous names: \(error)")
                    }
                }
                if let redirect, let nat = try? IPTablesTable.read(.nat).dump(), !redirect.isInstalled(in: nat) {
                    do {
                        _ = try transaction.apply(redirect.addChanges, ifExists: false)
                        logger.warning("the nat rules to 127.0.0.11 were removed (nat table flushed?); put them back")
                    } catch {
                        logger.error("cannot put the nat rules back: \(error)")
                    }
                }
            }
            if let redirect { _ = try transaction.apply(redirect.deleteChanges, ifExists: true) }
            logger.info("stopped")
        }

        /// The file's modification time in nanoseconds, nil when it cannot be read.
        static func modificationTime(_ path: String) -> Int? {
            var s = stat()
            return stat(path, &s) == 0 ? s.st_mtim.tv_sec * 1_000_000_000 + s.st_mtim.tv_nsec : nil
        }
    }
}
