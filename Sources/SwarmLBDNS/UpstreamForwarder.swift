import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SwarmLBKit

/// Forwards queries for names the directory does not know to the upstream servers (the host's
/// resolv.conf by default), as Docker's resolver does: up to 3 servers in turn, 4 s each, the next
/// one on SERVFAIL, REFUSED, timeout or port unreachable; at most `maxInFlight` queries outstanding,
/// beyond which clients are told REFUSED at once instead of piling up. Each server is asked through
/// its own connected socket, made in the namespace that server is reachable from (`Upstream`).
public final class UpstreamForwarder: Sendable {
    public enum Outcome: Sendable {
        case answered(ByteBuffer)
        case failed
        case overloaded
    }

    /// One upstream server and the socket its queries leave from.
    public struct Upstream: Sendable {
        public var address: SocketAddress
        public var socket: ConnectedDatagramSocket
        public init(address: SocketAddress, socket: ConnectedDatagramSocket) {
            self.address = address
            self.socket = socket
        }
    }

    private let channels: [(address: SocketAddress, channel: Channel)]
    let timeout: TimeAmount
    let maxInFlight: Int
    private let inFlight = NIOLockedValueBox(0)
    /// One per upstream, so that a failing server does not hide another's failures.
    private let failureLogs: [RateLimitedLog]

    /// Puts each upstream's socket on an event loop of `group`; the channels own the sockets.
    public init(upstreams: [Upstream], group: EventLoopGroup, timeout: TimeAmount = .seconds(4), maxInFlight: Int = 1024,
                logger: Logger) throws {
        channels = try upstreams.map { upstream in
            let channel = try DatagramBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UpstreamExchange(server: upstream.address, timeout: timeout))
                    }
                }
                .withBoundSocket(upstream.socket.descriptor).wait()
            return (upstream.address, channel)
        }
        self.timeout = timeout
        self.maxInFlight = maxInFlight
        failureLogs = channels.map { _ in RateLimitedLog(logger: logger) }
    }

    public func close() {
        for c in channels { try? c.channel.close().wait() }
    }

    public func forward(_ query: ByteBuffer, on loop: EventLoop) -> EventLoopFuture<Outcome> {
        guard !channels.isEmpty else { return loop.makeSucceededFuture(.failed) }
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

    private func attempt(_ query: ByteBuffer, upstream i: Int, on loop: EventLoop) -> EventLoopFuture<Outcome> {
        guard i < channels.count else { return loop.makeSucceededFuture(.failed) }
        let (server, channel) = channels[i]
        let promise = loop.makePromise(of: UpstreamExchange.Reply.self)
        channel.writeAndFlush(UpstreamExchange.Query(bytes: query, reply: promise)).whenFailure { promise.succeed(.unreachable($0)) }
        return promise.futureResult.flatMap { reply in
            let problem: String
            switch reply {
            case .answer(let answer):
                // SERVFAIL (2) and REFUSED (5) mean: try the next server.
                let code = (answer.getInteger(at: answer.readerIndex + 3, as: UInt8.self) ?? 2) & 0x0f
                if code != 2 && code != 5 { return loop.makeSucceededFuture(.answered(answer)) }
                problem = code == 2 ? "answered SERVFAIL" : "answered REFUSED"
            case .timedOut: problem = "did not answer within \(self.timeout.nanoseconds / 1_000_000_000) s"
            case .unreachable(let error): problem = "is unreachable: \((error as? IOError).map { errnoText($0.errnoCode) } ?? "\(error)")"
            }
            self.failureLogs[i].note("upstream \(server.endpoint) \(problem); trying \(i + 1 < self.channels.count ? "the next one" : "no other: SERVFAIL")")
            return self.attempt(query, upstream: i + 1, on: loop)
        }
    }
}

/// The queries outstanding at one upstream server, on its connected socket: each is sent under an
/// id of its own (random, unused), so clients' ids may collide, and answered with the client's id
/// back in place.
private final class UpstreamExchange: ChannelDuplexHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundIn = Query
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    struct Query: Sendable {
        var bytes: ByteBuffer
        var reply: EventLoopPromise<Reply>
    }

    enum Reply: Sendable {
        case answer(ByteBuffer)
        case timedOut
        /// The kernel reported the server unreachable (ICMP port or host unreachable), or sending failed.
        case unreachable(Error)
    }

    private struct Pending {
        var clientID: UInt16
        var reply: EventLoopPromise<Reply>
        var timer: Scheduled<Void>
    }

    let server: SocketAddress
    let timeout: TimeAmount
    private var pending: [UInt16: Pending] = [:]

    init(server: SocketAddress, timeout: TimeAmount) {
        self.server = server
        self.timeout = timeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let query = unwrapOutboundIn(data)
        guard let clientID = query.bytes.getInteger(at: query.bytes.readerIndex, as: UInt16.self) else {
            query.reply.succeed(.unreachable(ChannelError.writeMessageTooLarge))
            return
        }
        var id = UInt16.random(in: 0...UInt16.max)
        while pending[id] != nil { id = UInt16.random(in: 0...UInt16.max) }
        let exchange = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(in: timeout) { [id] in exchange.value.finish(id, with: .timedOut) }
        pending[id] = Pending(clientID: clientID, reply: query.reply, timer: timer)
        var bytes = context.channel.allocator.buffer(buffer: query.bytes)
        bytes.setInteger(id, at: bytes.readerIndex)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: server, data: bytes)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var reply = unwrapInboundIn(data).data
        guard let id = reply.getInteger(at: reply.readerIndex, as: UInt16.self),
              let flags = reply.getInteger(at: reply.readerIndex + 2, as: UInt16.self), flags & 0x8000 != 0,
              let clientID = pending[id]?.clientID else { return }
        reply.setInteger(clientID, at: reply.readerIndex)
        finish(id, with: .answer(reply))
    }

    /// The server is unreachable (ICMP port or host unreachable): no query to it will be answered.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        for id in Array(pending.keys) { finish(id, with: .unreachable(error)) }
    }

    private func finish(_ id: UInt16, with reply: Reply) {
        guard let p = pending.removeValue(forKey: id) else { return }
        p.timer.cancel()
        p.reply.succeed(reply)
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
