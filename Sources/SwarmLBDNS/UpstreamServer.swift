import Glibc
import NIOCore
import SwarmLBKit

/// An upstream server of the resolver and the namespace it is asked from, as Docker decides it:
/// servers given as `IP[:PORT]` (Docker's `--dns`) are asked from the served namespace, where the
/// container's own traffic goes; `host:IP[:PORT]` and the host's resolv.conf servers from the
/// namespace swarmlb started in (Docker 28+ asks the host's resolvers from the host), so that a
/// host resolver on 127.0.0.53 works for a container whose own loopback has none.
public struct UpstreamServer: Sendable, Hashable, CustomStringConvertible {
    public enum Origin: String, Sendable, Hashable {
        /// The namespace the resolver serves (`-n NS`).
        case served
        /// The namespace swarmlb was started in.
        case starting
    }

    public var address: SocketAddress
    public var origin: Origin

    public init(address: SocketAddress, origin: Origin) {
        self.address = address
        self.origin = origin
    }

    /// An `--upstream` server: asked from the starting namespace when written after `host:`.
    public init(_ upstream: DNSUpstream) {
        let address: SocketAddress
        switch upstream.address {
        case .v4(let v4):
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = upstream.port.bigEndian
            sa.sin_addr.s_addr = v4.value.bigEndian
            address = SocketAddress(sa, host: v4.description)
        case .v6(let v6):
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = upstream.port.bigEndian
            withUnsafeMutableBytes(of: &sa.sin6_addr) { $0.copyBytes(from: v6.bytes) }
            address = SocketAddress(sa, host: v6.description)
        }
        self.init(address: address, origin: upstream.fromStartingNamespace ? .starting : .served)
    }

    /// As the start-up line prints it: `10.0.0.1:53 (asked from the served namespace)`.
    public var description: String { "\(address.endpoint) (asked from the \(origin) namespace)" }

}
