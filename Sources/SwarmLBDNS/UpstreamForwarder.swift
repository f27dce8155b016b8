import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SwarmLBKit
import Synchronization

/// Forwards queries for names the directory does not know to the upstream servers, as Docker's
/// resolver does: up to 3 servers in turn, 4 s each, the next one on SERVFAIL, REFUSED, timeout or
/// unreachable, its own SERVFAIL when all fail (as Docker 26+: `qr rd`, no RA, no OPT); at most
/// `maxInFlight` queries outstanding, beyond which clients are told REFUSED at once instead of
/// piling up.
///
/// Against spoofing (RFC 5452): every exchange leaves from a socket no other outstanding exchange
/// uses, on a random port (`DatagramExchanges`: new, or one of at least 64 idle ones at random,
/// each closed after 16 exchanges), under a random id that is never the client's, and a reply is taken
/// only from the server's address and port, with that id and the query's question (name
/// case-insensitively, type, class); anything else is dropped, counted and logged (rate-limited),
/// and the exchange goes on waiting for the genuine reply. The client gets its own id back.
/// A UDP client's query goes over UDP (an answer with TC reaches it as is, and it retries over
/// TCP; one larger than the client's size, 512 or its EDNS0 size up to 4096, is cut with TC set);
/// a TCP client's query goes over TCP.
public final class UpstreamForwarder: Sendable {
    /// One upstream server and what reaches it from its namespace: the exchange thread and the
    /// event loops, both created in that namespace, so their sockets are made there.
    public struct Route: Sendable {
        public var server: UpstreamServer
        public var datagrams: DatagramExchanges
        public var streams: EventLoopGroup
        let target: DatagramServer

        public init(server: UpstreamServer, datagrams: DatagramExchanges, streams: EventLoopGroup) {
            self.server = server
            self.datagrams = datagrams
            self.streams = streams
            target = server.address.withSockAddr { DatagramServer(address: $0, length: $1, name: server.address.endpoint) }
        }
    }

    let routes: [Route]
    let timeout: TimeAmount
    let maxInFlight: Int
    private let inFlight = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    /// One per upstream, so that a failing server does not hide another's failures.
    private let failureLogs: [RateLimitedLog]
    private let droppedLog: RateLimitedLog

    public init(routes: [Route], timeout: TimeAmount = .seconds(4), maxInFlight: Int = 1024, logger: Logger) {
        self.routes = routes
        self.timeout = timeout
        self.maxInFlight = maxInFlight
        failureLogs = routes.map { _ in RateLimitedLog(logger: logger) }
        droppedLog = RateLimitedLog(logger: logger)
    }

    /// Answers dropped since start: not from the server's address and port, not with the
    /// exchange's id and question, or arriving when no exchange waited on the socket.
    public var droppedAnswers: Int {
        dropped.load(ordering: .relaxed) + uniqueExchanges.reduce(0) { $0 + $1.strayDatagrams }
    }

    /// The exchange threads of the routes, each once.
    private var uniqueExchanges: [DatagramExchanges] {
        var seen = Set<ObjectIdentifier>()
        return routes.map(\.datagrams).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    /// Forwards the client's query `packet` (parsed as `question`) and calls `reply` once, on
    /// some thread, with the response for the client: the upstream's answer under the client's id,
    /// or SERVFAIL, or REFUSED when too many queries are out already.
    public func forward(
        _ packet: UnsafeRawBufferPointer, _ question: DNSMessage.Question, overTCP: Bool,
        reply: @escaping @Sendable (UnsafeRawBufferPointer) -> Void
    ) {
        guard inFlight.wrappingAdd(1, ordering: .relaxed).newValue <= maxInFlight else {
            inFlight.wrappingSubtract(1, ordering: .relaxed)
            return Self.failure(.refused, to: question, in: packet).withUnsafeBytes(reply)
        }
        let query = Query(bytes: Array(packet), question: question, overTCP: overTCP, reply: reply)
        attempt(query, upstream: 0)
    }

    private struct Query: Sendable {
        var bytes: [UInt8]
        var question: DNSMessage.Question
        var overTCP: Bool
        var reply: @Sendable (UnsafeRawBufferPointer) -> Void
        var clientID: UInt16 { UInt16(bytes[0]) << 8 | UInt16(bytes[1]) }

        /// The query under a fresh random id, never the client's.
        func withNewID() -> (id: UInt16, bytes: [UInt8]) {
            var id = UInt16.random(in: 0...UInt16.max)
            while id == clientID { id = UInt16.random(in: 0...UInt16.max) }
            var b = bytes
            b[0] = UInt8(id >> 8)
            b[1] = UInt8(id & 0xff)
            return (id, b)
        }
    }

    private func attempt(_ query: Query, upstream i: Int) {
        guard i < routes.count else {
            finish(query, query.bytes.withUnsafeBytes { Self.failure(.servFail, to: query.question, in: $0) })
            return
        }
        let (id, bytes) = query.withNewID()
        if query.overTCP {
            exchangeOverTCP(bytes, id: id, route: routes[i]).whenComplete { result in
                switch result {
                case .success(var answer):
                    answer.withUnsafeMutableReadableBytes { self.answered($0, query, upstream: i) }
                case .failure(let error):
                    self.failed(query, upstream: i, error as? TCPExchangeFailure ?? .unreachable("\(error)"))
                }
            }
            return
        }
        routes[i].datagrams.start(
            bytes, to: routes[i].target,
            accept: { answer, fromServer in
                guard fromServer, bytes.withUnsafeBytes({ DNSMessage.isReply(UnsafeRawBufferPointer(answer), id: id, to: $0) }) else {
                    self.drop(answer, from: self.routes[i].server, fromServer: fromServer)
                    return false
                }
                self.answered(answer, query, upstream: i)
                return true
            },
            fail: { failure in
                switch failure {
                case .timedOut: self.failed(query, upstream: i, .timedOut)
                case .unreachable(let e): self.failed(query, upstream: i, .unreachable(errnoText(e)))
                }
            })
    }

    /// A genuine answer: SERVFAIL (2) and REFUSED (5) mean "try the next server"; anything else
    /// goes to the client under its own id.
    private func answered(_ answer: UnsafeMutableRawBufferPointer, _ query: Query, upstream i: Int) {
        let code = answer[3] & 0x0f
        if code == 2 || code == 5 {
            return failed(query, upstream: i, .answered(code == 2 ? "SERVFAIL" : "REFUSED"))
        }
        answer[0] = query.bytes[0]
        answer[1] = query.bytes[1]
        // Cut to what the UDP client can take, TC set, as local answers are (Docker forwards it whole).
        let length = query.overTCP ? answer.count : DNSMessage.truncate(answer, limit: query.question.sizeLimit(overTCP: false))
        finish(query, UnsafeRawBufferPointer(rebasing: answer[..<length]))
    }

    private func failed(_ query: Query, upstream i: Int, _ problem: TCPExchangeFailure) {
        let what: String
        switch problem {
        case .timedOut: what = "did not answer within \(timeout.nanoseconds / 1_000_000_000) s"
        case .unreachable(let why): what = "is unreachable: \(why)"
        case .answered(let code): what = "answered \(code)"
        }
        failureLogs[i].note(
            "upstream \(routes[i].server.address.endpoint)\(query.overTCP ? " (tcp)" : "") \(what); trying \(i + 1 < routes.count ? "the next one" : "no other: SERVFAIL")"
        )
        attempt(query, upstream: i + 1)
    }

    private func finish(_ query: Query, _ response: UnsafeRawBufferPointer) {
        inFlight.wrappingSubtract(1, ordering: .relaxed)
        query.reply(response)
    }

    private func finish(_ query: Query, _ response: [UInt8]) {
        response.withUnsafeBytes { finish(query, $0) }
    }

    private func drop(_ answer: UnsafeMutableRawBufferPointer, from server: UpstreamServer, fromServer: Bool) {
        let total = dropped.wrappingAdd(1, ordering: .relaxed).newValue
        let why = !fromServer ? "from another address or port" : "not matching the query's id and question"
        droppedLog.note(
            "dropped an answer claiming to be from upstream \(server.address.endpoint), \(why) (\(DNSMessage.describeQuestion(UnsafeRawBufferPointer(answer)))); \(total) dropped since start"
        )
    }

    /// SERVFAIL or REFUSED for the query in `packet`, as Docker 26+ answers its own failures
    /// (`DNSMessage.writeFailure`: no RA, no OPT record).
    static func failure(_ code: DNSMessage.ResponseCode, to question: DNSMessage.Question, in packet: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: DNSMessage.headerSize + question.questionLength)
        _ = out.withUnsafeMutableBytes { DNSMessage.writeFailure(to: question, packet: packet, code: code, into: $0) }
        return out
    }

    // MARK: TCP

    /// Why an exchange brought no usable answer.
    enum TCPExchangeFailure: Error {
        case timedOut
        case unreachable(String)
        case answered(String)
    }

    /// One query over a new TCP connection to the route's server, made on an event loop of the
    /// route's namespace; the reply must carry `id` and the query's question.
    private func exchangeOverTCP(_ bytes: [UInt8], id: UInt16, route: Route) -> EventLoopFuture<ByteBuffer> {
        let loop = route.streams.next()
        let timeout = self.timeout
        let address = route.server.address
        return loop.flatSubmit {
            let promise = loop.makePromise(of: ByteBuffer.self)
            let timer = loop.scheduleTask(in: timeout) { promise.fail(TCPExchangeFailure.timedOut) }
            promise.futureResult.whenComplete { _ in timer.cancel() }
            ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(LengthPrefixedDecoder()),
                            TCPExchangeHandler(
                                query: bytes, id: id, reply: promise,
                                dropped: { [weak self] answer in
                                    var answer = answer
                                    answer.withUnsafeMutableReadableBytes { self?.drop($0, from: route.server, fromServer: true) }
                                }),
                        ])
                    }
                }
                .connect(to: address)
                .whenComplete { result in
                    switch result {
                    case .success(let channel): promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                    case .failure(let error):
                        promise.fail(TCPExchangeFailure.unreachable((error as? IOError).map { errnoText($0.errnoCode) } ?? "\(error)"))
                    }
                }
            return promise.futureResult
        }
    }
}

/// Sends one length-prefixed query when connected and takes the first reply with its id and
/// question; others are dropped (and reported).
private final class TCPExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let query: [UInt8]
    let id: UInt16
    let reply: EventLoopPromise<ByteBuffer>
    let dropped: (ByteBuffer) -> Void

    init(query: [UInt8], id: UInt16, reply: EventLoopPromise<ByteBuffer>, dropped: @escaping (ByteBuffer) -> Void) {
        self.query = query
        self.id = id
        self.reply = reply
        self.dropped = dropped
    }

    func channelActive(context: ChannelHandlerContext) {
        var framed = context.channel.allocator.buffer(capacity: query.count + 2)
        framed.writeInteger(UInt16(query.count))
        framed.writeBytes(query)
        context.writeAndFlush(NIOAny(framed), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let answer = unwrapInboundIn(data)
        let genuine = answer.withUnsafeReadableBytes { a in query.withUnsafeBytes { DNSMessage.isReply(a, id: id, to: $0) } }
        if genuine { reply.succeed(answer) } else { dropped(answer) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        reply.fail(UpstreamForwarder.TCPExchangeFailure.unreachable("connection closed without an answer"))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        reply.fail(UpstreamForwarder.TCPExchangeFailure.unreachable((error as? IOError).map { errnoText($0.errnoCode) } ?? "\(error)"))
        context.close(promise: nil)
    }
}

/// Splits a TCP stream into DNS messages (RFC 1035 4.2.2: a two-byte length, then the message).
struct LengthPrefixedDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
            buffer.readableBytes >= 2 + Int(length)
        else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }
}

/// Logs a recurring failure at most once per interval, with how many were suppressed.
final class RateLimitedLog: Sendable {
    private let logger: Logger
    private let state = NIOLockedValueBox<(last: NIODeadline, suppressed: Int)>((.distantPast, 0))

    init(logger: Logger) { self.logger = logger }

    func note(_ message: @autoclosure () -> String, every interval: TimeAmount = .seconds(10)) {
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
            logger.warning("\(message())\(suppressed > 0 ? " (\(suppressed) similar messages suppressed)" : "")")
        }
    }
}
