import NIOCore
import NIOPosix
import SwarmLBKit

/// The resolver's UDP and TCP listeners on one address (127.0.0.11), each on its own port (a free
/// one unless given). UDP is served by `UDPListener`'s own thread; TCP by the event loops, which
/// read length-prefixed queries, several per connection, within `TCPLimits`.
public final class DNSServer {
    let udp: UDPListener
    let tcp: Channel

    public var udpPort: UInt16 { udp.socket.port }
    public var tcpPort: UInt16 { UInt16(tcp.localAddress?.port ?? 0) }

    /// Binds both listeners. Call inside the namespace: sockets and threads must be made after setns.
    public init(group: EventLoopGroup, address: IPv4Address, port: UInt16, resolver: Resolver, limits: TCPLimits) throws {
        udp = try UDPListener(address: address, port: port, resolver: resolver)
        tcp = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionCap(limits.connections))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LengthPrefixedDecoder()),
                        TCPHandler(resolver, limits: limits),
                    ])
                }
            }
            .bind(host: address.description, port: Int(port)).wait()
    }

    public func close() {
        udp.close()
        try? tcp.close().wait()
    }
}

/// What one TCP client may take: as unbound's `incoming-num-tcp` and `tcp-idle-timeout` and
/// miekg/dns's (Docker's resolver's) 128 queries per connection.
public struct TCPLimits: Sendable {
    /// Connections open at once; at the cap the listener stops accepting (as unbound does) until
    /// one closes, so further clients wait in the kernel's backlog, holding no descriptor of ours.
    public var connections: Int
    /// How long a connection may go without a complete query (or an answer) before it is closed;
    /// a byte that completes no query does not count.
    public var idle: TimeAmount
    /// Queries answered on one connection before it is closed, as Docker's resolver does.
    public var queries: Int

    public init(connections: Int = 100, idle: TimeAmount = .seconds(10), queries: Int = 128) {
        self.connections = connections
        self.idle = idle
        self.queries = queries
    }
}

/// Keeps the TCP listener to `TCPLimits.connections` open connections: at the cap it stops
/// accepting (reads nothing from the listening socket) and starts again when one closes; a
/// connection accepted beyond the cap in the same burst of accepts is closed at once.
private final class ConnectionCap: ChannelInboundHandler {
    typealias InboundIn = Channel
    let cap: Int
    private var open = 0
    init(_ cap: Int) { self.cap = cap }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let connection = unwrapInboundIn(data)
        guard open < cap else {
            connection.close(promise: nil)
            return
        }
        open += 1
        if open == cap { context.channel.setOption(.autoRead, value: false).whenFailure { _ in } }
        let listener = context.channel
        let me = NIOLoopBound(self, eventLoop: context.eventLoop)
        connection.closeFuture.whenComplete { _ in
            listener.eventLoop.execute {
                let cap = me.value
                cap.open -= 1
                if cap.open == cap.cap - 1 {
                    listener.setOption(.autoRead, value: true).whenFailure { _ in }
                    listener.read()
                }
            }
        }
        context.fireChannelRead(data)
    }
}

/// The UDP side of the resolver: a `DatagramBatchSocket` served by one thread in a loop, a batch
/// at a time, each batch answered from the directory as it was when the batch arrived. Forwarded
/// queries go to the upstreams (`UpstreamForwarder`) and are answered from where the reply arrives.
final class UDPListener: Sendable {
    let socket: DatagramBatchSocket
    private let thread = NIOThreadPool(numberOfThreads: 1)

    init(address: IPv4Address, port: UInt16, resolver: Resolver) throws {
        let socket = try DatagramBatchSocket(address: address, port: port)
        self.socket = socket
        thread.start()
        thread.submit { _ in
            var serving = true
            while serving {
                var directory: ServiceDirectory?
                serving = socket.serveBatch { packet, peer, reply in
                    let current = directory ?? resolver.directory
                    directory = current
                    var length = 0
                    let outcome = resolver.respond(to: packet, from: { peer().description }, overTCP: false, directory: current) {
                        capacity, body in
                        precondition(capacity <= reply.count, "a UDP reply is at most DNSMessage.udpPayloadSize bytes")
                        length = body(reply)
                    }
                    if case .forward(let question) = outcome {
                        let client = peer()
                        resolver.forward(packet, question, overTCP: false) { socket.send($0, to: client) }
                    }
                    return length
                }
            }
        }
    }

    func close() {
        socket.shutdown()
        try? thread.syncShutdownGracefully()
    }
}

/// A forwarded query's answer for a TCP client, framed, brought to its connection's event loop.
private struct ForwardedAnswer: Sendable {
    var framed: ByteBuffer
}

/// Answers the queries of one TCP connection, each reply with its two-byte length first, within
/// `TCPLimits`: closed when idle (no complete query and no answer awaited for `idle`) or after
/// `queries` queries once their answers are out; it reads nothing while its answers wait unread
/// (the channel is not writable), so a client that never reads holds at most a write buffer.
private final class TCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let resolver: Resolver
    let limits: TCPLimits
    private var queries = 0
    /// Forwarded queries whose answers have not come back yet.
    private var awaited = 0
    private var idleTimer: Scheduled<Void>?

    init(_ resolver: Resolver, limits: TCPLimits) {
        self.resolver = resolver
        self.limits = limits
    }

    private var finished: Bool { queries >= limits.queries }

    func channelActive(context: ChannelHandlerContext) {
        restartIdleTimer(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }  // the rest of the last read, past the query limit
        queries += 1
        if finished { context.channel.setOption(.autoRead, value: false).whenFailure { _ in } }
        restartIdleTimer(context)
        let query = unwrapInboundIn(data)
        var reply = context.channel.allocator.buffer(capacity: 514)
        reply.writeInteger(UInt16(0))  // the length, set once known
        let client = context.remoteAddress
        let outcome = query.withUnsafeReadableBytes { packet in
            resolver.respond(to: packet, from: { client?.endpoint ?? "?" }, overTCP: true, directory: resolver.directory) {
                capacity, body in
                reply.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity, body)
            }
        }
        switch outcome {
        case .answered:
            reply.setInteger(UInt16(reply.readableBytes - 2), at: reply.readerIndex)
            send(reply, context)
        case .dropped:
            closeIfDone(context)
        case .forward(let question):
            awaited += 1
            let pipeline = context.pipeline
            let allocator = context.channel.allocator
            query.withUnsafeReadableBytes { packet in
                resolver.forward(packet, question, overTCP: true) { answer in
                    var framed = allocator.buffer(capacity: answer.count + 2)
                    framed.writeInteger(UInt16(answer.count))
                    framed.writeBytes(answer)
                    pipeline.fireUserInboundEventTriggered(ForwardedAnswer(framed: framed))
                }
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let answer = event as? ForwardedAnswer else { return context.fireUserInboundEventTriggered(event) }
        awaited -= 1
        restartIdleTimer(context)
        send(answer.framed, context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !finished { context.channel.setOption(.autoRead, value: context.channel.isWritable).whenFailure { _ in } }
        context.fireChannelWritabilityChanged()
    }

    private func send(_ framed: ByteBuffer, _ context: ChannelHandlerContext) {
        guard finished && awaited == 0 else { return context.writeAndFlush(wrapOutboundOut(framed), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(framed)).whenComplete { _ in channel.close(promise: nil) }
    }

    private func closeIfDone(_ context: ChannelHandlerContext) {
        if finished && awaited == 0 { context.close(promise: nil) }
    }

    private func restartIdleTimer(_ context: ChannelHandlerContext) {
        idleTimer?.cancel()
        let me = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        idleTimer = context.eventLoop.scheduleTask(in: limits.idle) {
            // Awaiting an upstream's answer is not idle: that wait has its own timeout.
            if me.value.awaited > 0 { me.value.idleTimer = nil } else { channel.close(promise: nil) }
        }
    }
}
