import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SwarmLBKit

/// Forwards queries for names the directory does not know to the upstream servers (the host's
/// resolv.conf by default), as Docker's resolver does: up to 3 servers in turn, 4 s each, the next
/// one on SERVFAIL, REFUSED or timeout; at most `maxInFlight` queries outstanding, beyond which
/// clients are told REFUSED at once instead of piling up.
public final class UpstreamForwarder: Sendable {
    public enum Outcome: Sendable {
        case answered([UInt8])
        case failed
        case overloaded
    }

    public let upstreams: [SocketAddress]
    let timeout: TimeAmount
    let maxInFlight: Int
    private let inFlight = NIOLockedValueBox(0)
    private let failureLog: RateLimitedLog

    public init(upstreams: [SocketAddress], timeout: TimeAmount = .seconds(4), maxInFlight: Int = 1024, logger: Logger) {
        self.upstreams = Array(upstreams.prefix(3))
        self.timeout = timeout
        self.maxInFlight = maxInFlight
        failureLog = RateLimitedLog(logger: logger)
    }

    public func forward(_ query: [UInt8], on loop: EventLoop) -> EventLoopFuture<Outcome> {
        guard !upstreams.isEmpty else { return loop.makeSucceededFuture(.failed) }
        let admitted = inFlight.withLockedValue { n -> Bool in
            guard n < maxInFlight else { return false }
            n += 1
            return true
        }
        guard admitted else { return loop.makeSucceededFuture(.overloaded) }
        return attempt(query, upstream: 0, on: loop).always { [inFlight] _ in
            inFlight.withLockedValue { $0 -= 1 }
        }
    }

    private func attempt(_ query: [UInt8], upstream i: Int, on loop: EventLoop) -> EventLoopFuture<Outcome> {
        guard i < upstreams.count else { return loop.makeSucceededFuture(.failed) }
        let server = upstreams[i]
        return ask(server, query, on: loop).flatMap { reply in
            // SERVFAIL (2) and REFUSED (5) mean: try the next server.
            if let reply, reply.count >= 4, reply[3] & 0x0f != 2, reply[3] & 0x0f != 5 { return loop.makeSucceededFuture(.answered(reply)) }
            self.failureLog.note("upstream \(server) \(reply == nil ? "did not answer" : "refused or failed")")
            return self.attempt(query, upstream: i + 1, on: loop)
        }
    }

    /// One query to one server over UDP from a fresh port; nil on timeout or error.
    private func ask(_ server: SocketAddress, _ query: [UInt8], on loop: EventLoop) -> EventLoopFuture<[UInt8]?> {
        let promise = loop.makePromise(of: [UInt8]?.self)
        // The reply, the timer and an error may each try to finish the query; the first one wins.
        let finished = NIOLockedValueBox(false)
        let finish: @Sendable ([UInt8]?) -> Void = { value in
            if finished.withLockedValue({ done in defer { done = true }; return !done }) { promise.succeed(value) }
        }
        let id = Array(query.prefix(2))
        DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ReplyHandler(id: id, finish: finish)) }
            }
            .bind(host: server.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
            .whenComplete { result in
                switch result {
                case .failure:
                    finish(nil)
                case .success(let channel):
                    let timer = loop.scheduleTask(in: self.timeout) { finish(nil) }
                    var buffer = channel.allocator.buffer(capacity: query.count)
                    buffer.writeBytes(query)
                    channel.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: buffer)).whenFailure { _ in finish(nil) }
                    promise.futureResult.whenComplete { _ in
                        timer.cancel()
                        channel.close(promise: nil)
                    }
                }
            }
        return promise.futureResult
    }

    /// Finishes the query with the first datagram carrying its id.
    private final class ReplyHandler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let id: [UInt8]
        let finish: @Sendable ([UInt8]?) -> Void
        init(id: [UInt8], finish: @escaping @Sendable ([UInt8]?) -> Void) {
            self.id = id
            self.finish = finish
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(buffer: unwrapInboundIn(data).data)
            if bytes.count >= 2, Array(bytes.prefix(2)) == id { finish(bytes) }
        }
    }
}

/// Logs a recurring failure at most once per interval, with how many were suppressed.
final class RateLimitedLog: Sendable {
    private let logger: Logger
    private let state = NIOLockedValueBox<(last: NIODeadline, suppressed: Int)>((.distantPast, 0))

    init(logger: Logger) { self.logger = logger }

    func note(_ message: String, every interval: TimeAmount = .seconds(10)) {
        let now = NIODeadline.now()
        let emit: Int? = state.withLockedValue { s in
            guard now - s.last >= interval else {
                s.suppressed += 1
                return nil
            }
            let suppressed = s.suppressed
            s = (now, 0)
            return suppressed
        }
        if let suppressed = emit {
            logger.warning("\(message)\(suppressed > 0 ? " (\(suppressed) similar messages suppressed)" : "")")
        }
    }
}
