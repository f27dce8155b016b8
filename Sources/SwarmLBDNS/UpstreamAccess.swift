import NIOCore
import NIOPosix
import SwarmLBKit

/// The means of asking upstream servers from one network namespace: a `DatagramExchanges` thread
/// for UDP and event loops for TCP, both made on the calling thread, so that they and every socket
/// they make live in its namespace. Make the starting namespace's before entering the served one
/// (no thread ever calls setns later).
public final class UpstreamAccess: Sendable {
    public let datagrams: DatagramExchanges
    public let streams: EventLoopGroup
    private let ownStreams: MultiThreadedEventLoopGroup?

    /// `streams`: event loops already made in this namespace, else one of its own; `socketChoice`
    /// and `socketUses`: see `DatagramExchanges`.
    public init(
        timeout: TimeAmount = .seconds(4), streams: EventLoopGroup? = nil, socketChoice: Int = 64,
        socketUses: Int = 16
    ) throws {
        datagrams = try DatagramExchanges(timeoutSeconds: Double(timeout.nanoseconds) / 1e9, choice: socketChoice, uses: socketUses)
        ownStreams = streams == nil ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        self.streams = streams ?? ownStreams!
    }

    public func close() {
        datagrams.stop()
        try? ownStreams?.syncShutdownGracefully()
    }
}

extension UpstreamForwarder.Route {
    /// The route to `server` through the access of its namespace: the starting one's when it has
    /// its own (swarmlb entered another), else the served one's.
    public init(server: UpstreamServer, served: UpstreamAccess, starting: UpstreamAccess?) {
        let access = server.origin == .starting ? starting ?? served : served
        self.init(server: server, datagrams: access.datagrams, streams: access.streams)
    }
}
