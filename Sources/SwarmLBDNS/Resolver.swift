import Logging
import NIOConcurrencyHelpers
import NIOCore
import SwarmLBKit

/// Answers DNS queries: from the service directory when the name is the network's, written straight
/// into the reply buffer, else by forwarding to the upstream servers. The directory is swapped whole
/// on reload, so a query is answered from the old data or the new, never from half of each.
public final class Resolver: Sendable {
    private let current: NIOLockedValueBox<ServiceDirectory>
    let forwarder: UpstreamForwarder
    let logger: Logger
    let verbose: Bool

    public init(_ directory: ServiceDirectory, forwarder: UpstreamForwarder, logger: Logger, verbose: Bool = false) {
        current = NIOLockedValueBox(directory)
        self.forwarder = forwarder
        self.logger = logger
        self.verbose = verbose
    }

    /// The names served now; a listener takes it once per burst of queries.
    public var directory: ServiceDirectory { current.withLockedValue { $0 } }

    /// Replaces the names served, atomically.
    public func reload(_ new: ServiceDirectory) {
        current.withLockedValue { $0 = new }
    }

    public var nameCount: Int { directory.nameCount }

    /// Answers `packet` (from `client`) out of `directory` when it can, through `write` (see
    /// `ServiceDirectory.respond`); `.forward` writes nothing and leaves the query to `forward`.
    public func respond(
        to packet: UnsafeRawBufferPointer, from client: () -> String, overTCP: Bool, directory: ServiceDirectory,
        write: (Int, (UnsafeMutableRawBufferPointer) -> Int) -> Void
    ) -> ServiceDirectory.Outcome {
        let outcome = directory.respond(to: packet, overTCP: overTCP, write: write)
        if verbose { log(packet, from: client(), outcome, overTCP: overTCP) }
        return outcome
    }

    /// Forwards the query in `packet` (see `UpstreamForwarder.forward`); `reply` gets the response.
    public func forward(
        _ packet: UnsafeRawBufferPointer, _ question: DNSMessage.Question, overTCP: Bool,
        reply: @escaping @Sendable (UnsafeRawBufferPointer) -> Void
    ) {
        forwarder.forward(packet, question, overTCP: overTCP, reply: reply)
    }

    private func log(_ packet: UnsafeRawBufferPointer, from client: String, _ outcome: ServiceDirectory.Outcome, overTCP: Bool) {
        let query = DNSMessage.describe(packet)
        let what: String
        switch outcome {
        case .answered: what = "answered"
        case .dropped: what = "dropped"
        case .forward: what = "forwarded"
        }
        logger.info("query \(query) from \(client) over \(overTCP ? "tcp" : "udp"): \(what)")
    }
}
