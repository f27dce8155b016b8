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
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var options: DNSServeOptions

        func run() throws {
            try SiblingExecutable("swarmlb-dns").exec(["swarmlb-dns"] + common.arguments + options.arguments)
        }
    }
}
