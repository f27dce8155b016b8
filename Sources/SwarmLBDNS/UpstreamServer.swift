import NIOCore

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

    /// `IP[:PORT]`, `[IPv6]:PORT`, each optionally after `host:`; nil when malformed.
    public init?(parsing text: String) {
        let host = text.hasPrefix("host:")
        guard let address = ResolvConf.upstream(host ? String(text.dropFirst(5)) : text) else { return nil }
        self.init(address: address, origin: host ? .starting : .served)
    }

    /// As the start-up line prints it: `10.0.0.1:53 (asked from the served namespace)`.
    public var description: String { "\(address.endpoint) (asked from the \(origin) namespace)" }

    /// The servers a resolver asks, in order: those given (`--upstream`), else the host's
    /// resolv.conf servers (read in the starting namespace), asked from there; three at most, as
    /// Docker and glibc use. Throws the malformed spec's text.
    public static func plan(_ specs: [String], hostResolvConf: () -> [SocketAddress]) throws(UpstreamSpecError) -> [UpstreamServer] {
        if specs.isEmpty { return hostResolvConf().prefix(3).map { UpstreamServer(address: $0, origin: .starting) } }
        var servers: [UpstreamServer] = []
        for spec in specs {
            guard let s = UpstreamServer(parsing: spec) else { throw UpstreamSpecError(text: spec) }
            servers.append(s)
        }
        return Array(servers.prefix(3))
    }
}

/// An `--upstream` value that is not `[host:]IP[:PORT]`.
public struct UpstreamSpecError: Error, Equatable {
    public var text: String
}
