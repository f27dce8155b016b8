import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb dns serve`: Docker's embedded resolver at 127.0.0.11, standalone. The server is the
/// swarmlb-dns executable installed beside swarmlb; this command replaces itself with it (exec),
/// keeping its pid, so signals and exit status are the server's.
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

                Limits: UDP answers, local or forwarded, are cut to 512 bytes (or the client's EDNS0 size, up to \
                4096) with TC; at most --max-tcp TCP connections (beyond, new ones wait in the kernel's backlog), each \
                closed after --tcp-idle seconds without a complete query or after 128 queries; the descriptor limit \
                is raised to the hard limit at start. When every upstream fails: SERVFAIL with flags qr rd, as Docker 26+.
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var options: DNSServeOptions

        func run() throws {
            try SiblingExecutable("swarmlb-dns").exec(["swarmlb-dns"] + common.arguments + options.arguments)
        }
    }
}
