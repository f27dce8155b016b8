import NIOCore
import NIOPosix

/// The resolver's UDP and TCP listeners on one address (127.0.0.11), each on its own port
/// (a free one unless given): UDP answers each datagram; TCP reads length-prefixed queries,
/// several per connection, and closes idle connections.
public final class DNSServer {
    public let udp: Channel
    public let tcp: Channel

    public var udpPort: UInt16 { UInt16(udp.localAddress?.port ?? 0) }
    public var tcpPort: UInt16 { UInt16(tcp.localAddress?.port ?? 0) }

    /// Binds both listeners. Call inside the namespace: the group's threads must exist only after setns.
    public init(group: EventLoopGroup, host: String, port: Int, resolver: Resolver, idleTimeout: TimeAmount = .seconds(10)) throws {
        udp = try DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // recvmmsg: up to 16 queries per read; NIO splits the receive buffer among them, so it
            // must hold 16 whole datagrams (4 KiB each, the EDNS0 size we advertise).
            .channelOption(.datagramVectorReadMessageCount, value: 16)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16 * 4096))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UDPHandler(resolver)) }
            }
            .bind(host: host, port: port).wait()
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
            .bind(host: host, port: port).wait()
    }

    public func close() {
        try? udp.close().wait()
        try? tcp.close().wait()
    }
}

/// Answers datagrams. Replies known at once are written during the read burst and flushed once
/// at its end (channelReadComplete); forwarded ones, which come later, are flushed as they come.
private final class UDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let resolver: Resolver
    private var inReadBurst = false
    init(_ resolver: Resolver) { self.resolver = resolver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        inReadBurst = true
        let future = resolver.respond(to: Array(buffer: envelope.data), udp: true, on: context.eventLoop)
        let channel = context.channel
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        future.whenSuccess { reply in
            guard let reply else { return }
            var out = channel.allocator.buffer(capacity: reply.count)
            out.writeBytes(reply)
            let datagram = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: out)
            if loopBound.value.inReadBurst { channel.write(datagram, promise: nil) } else { channel.writeAndFlush(datagram, promise: nil) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBurst = false
        context.flush()
    }
}

/// Splits a TCP stream into DNS messages (RFC 1035 4.2.2: a two-byte length, then the message).
private struct LengthPrefixedDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }
}

private final class TCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let resolver: Resolver
    init(_ resolver: Resolver) { self.resolver = resolver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = context.channel
        resolver.respond(to: Array(buffer: unwrapInboundIn(data)), udp: false, on: context.eventLoop).whenSuccess { reply in
            guard let reply else { return }
            var out = channel.allocator.buffer(capacity: reply.count + 2)
            out.writeInteger(UInt16(reply.count))
            out.writeBytes(reply)
            channel.writeAndFlush(out, promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) }
    }
}
