import NIOCore
import SwarmLBKit

/// Which servers the resolver asks for the names it does not serve, and from which namespace, as
/// Docker decides it: the `--upstream` servers given, in order (three at most, as glibc and Docker
/// use), each from the namespace its spelling says; when none is given, the host's resolv.conf
/// servers, read and asked in the namespace swarmlb started in (so 127.0.0.53 works for a container
/// whose own loopback has no resolver). The starting namespace's sockets must be made before
/// swarmlb enters the served one; without `-n` the two are the same and the served ones serve both.
public struct UpstreamPlan: Sendable, CustomStringConvertible {
    public let servers: [UpstreamServer]
    /// True when servers are asked from the starting namespace and swarmlb enters another: the means
    /// of asking from there (`UpstreamAccess`) must then be made before entering.
    public let needsStartingAccess: Bool

    /// `hostResolvConf` is read only when no server is given.
    public init(given: [DNSUpstream], entersNamespace: Bool, hostResolvConf: () -> [SocketAddress]) {
        let servers =
            given.isEmpty
            ? hostResolvConf().map { UpstreamServer(address: $0, origin: .starting) }
            : given.map(UpstreamServer.init)
        self.servers = Array(servers.prefix(3))
        needsStartingAccess = entersNamespace && self.servers.contains { $0.origin == .starting }
    }

    /// Each server's route through the access of its namespace: `starting` (made before entering)
    /// for the starting namespace's servers when there is one, else `served`.
    public func routes(served: UpstreamAccess, starting: UpstreamAccess?) -> [UpstreamForwarder.Route] {
        servers.map { .init(server: $0, served: served, starting: starting) }
    }

    /// As the start-up line prints it: `10.0.0.1:53 (asked from the served namespace), ...` or `none`.
    public var description: String { servers.isEmpty ? "none" : servers.map(\.description).joined(separator: ", ") }
}
