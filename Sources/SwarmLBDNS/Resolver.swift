import Logging
import NIOConcurrencyHelpers
import NIOCore
import SwarmLBKit

/// Answers one DNS query: from the service directory when the name is the network's, else by
/// forwarding to the upstream servers. The directory is swapped whole on reload, so a query is
/// answered from the old data or the new, never from half of each.
public final class Resolver: Sendable {
    private let directory: NIOLockedValueBox<ServiceDirectory>
    let forwarder: UpstreamForwarder
    let logger: Logger
    let verbose: Bool

    public init(_ directory: ServiceDirectory, forwarder: UpstreamForwarder, logger: Logger, verbose: Bool = false) {
        self.directory = NIOLockedValueBox(directory)
        self.forwarder = forwarder
        self.logger = logger
        self.verbose = verbose
    }

    /// Replaces the names served, atomically.
    public func reload(_ new: ServiceDirectory) {
        directory.withLockedValue { $0 = new }
    }

    public var nameCount: Int { directory.withLockedValue { $0.nameCount } }

    /// The response to `packet`, or nil to drop it. `limit` is the transport's size limit
    /// (512 or the client's EDNS0 size over UDP, 65535 over TCP).
    public func respond(to packet: [UInt8], udp: Bool, on loop: EventLoop) -> EventLoopFuture<[UInt8]?> {
        let query: DNSMessage.Query
        switch DNSMessage.parseQuery(packet) {
        case .failure(.drop): return loop.makeSucceededFuture(nil)
        case let .failure(.formErr(id, flags)):
            return loop.makeSucceededFuture(DNSMessage.headerOnly(id: id, flags: flags, code: .formErr))
        case .success(let q): query = q
        }
        let limit = udp ? Int(query.ednsSize ?? 512) : 65535
        if query.opcode != 0 {
            return loop.makeSucceededFuture(DNSMessage.response(to: query, code: .notImp, answers: [], limit: limit))
        }
        let answer = directory.withLockedValue { $0.answer(query) }
        if verbose { logger.info("query \(query.nameText) type \(query.type): \(answer == .forward ? "forwarded" : "answered")") }
        switch answer {
        case .records(let records):
            return loop.makeSucceededFuture(DNSMessage.response(to: query, code: .noError, answers: records, limit: limit))
        case .forward:
            return forwarder.forward(packet, on: loop).map { outcome in
                switch outcome {
                case .answered(let reply): return reply
                case .overloaded: return DNSMessage.response(to: query, code: .refused, answers: [], limit: limit, authoritative: false)
                case .failed: return DNSMessage.response(to: query, code: .servFail, answers: [], limit: limit, authoritative: false)
                }
            }
        }
    }
}
