import NIOCore
import NIOPosix
import SwarmLBKit

/// The resolver's UDP and TCP listeners on one address (127.0.0.11), each on its own port (a free
/// one unless given). UDP is served by `UDPListener`'s own thread; TCP by the event loops, which
/// read length-prefixed queries, several per connection, and close idle connections.
public final class DNSServer {
    let udp: UDPListener
    let tcp: Channel

    public var udpPort: UInt16 { udp.socket.port }
    public var tcpPort: UInt16 { UInt16(tcp.localAddress?.port ?? 0) }

    /// Binds both listeners. Call inside the namespace: sockets and threads must be made after setns.
    public init(
        group: EventLoopGroup, address: IPv4Address, port: UInt16, resolver: Resolver,
        idleTimeout: TimeAmount
    ) throws {
        udp = try UDPListener(address: address, port: port, resolver: resolver)
        tcp = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(readTimeout: idleTimeout),
                        ByteToMessageHandler(LengthPrefixedDecoder()),
                        TCPHandler(resolver),
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

/// Answers the queries of one TCP connection, each reply with its two-byte length first.
private final class TCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let resolver: Resolver
    init(_ resolver: Resolver) { self.resolver = resolver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        case .dropped:
            break
        case .forward(let question):
            let channel = context.channel
            query.withUnsafeReadableBytes { packet in
                resolver.forward(packet, question, overTCP: true) { answer in
                    var framed = channel.allocator.buffer(capacity: answer.count + 2)
                    framed.writeInteger(UInt16(answer.count))
                    framed.writeBytes(answer)
                    channel.writeAndFlush(framed, promise: nil)
                }
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) }
    }
}
