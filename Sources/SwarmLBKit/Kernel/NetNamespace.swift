import CLinux
import Glibc

/// A network namespace named the ways operators name them: a path
/// (`/run/docker/netns/1-abc`, `/proc/123/ns/net`), a bare name looked up in
/// /run/docker/netns then /run/netns, or `pid:N`. Entering it is `nsenter --net=PATH`.
public struct NetNamespace: Sendable, Equatable {
    /// The namespace file that will be opened and passed to setns(2).
    public let path: String

    public static let dockerDirectory = "/run/docker/netns"
    public static let iprouteDirectory = "/run/netns"

    /// Resolves an operator's namespace argument to a namespace file.
    public init(_ spec: String) throws(KernelError) {
        if spec.hasPrefix("pid:") {
            let pid = spec.dropFirst(4)
            guard let n = Int32(pid), n > 0 else { throw .namespaceNotFound(spec, tried: ["pid must be a positive number"]) }
            path = "/proc/\(n)/ns/net"
            guard access(path, F_OK) == 0 else { throw .namespaceNotFound(spec, tried: [path]) }
            return
        }
        if spec.contains("/") {
            guard access(spec, F_OK) == 0 else { throw .namespaceNotFound(spec, tried: [spec]) }
            path = spec
            return
        }
        let candidates = [Self.dockerDirectory, Self.iprouteDirectory].map { "\($0)/\(spec)" }
        guard let found = candidates.first(where: { access($0, F_OK) == 0 }) else {
            throw .namespaceNotFound(spec, tried: candidates)
        }
        path = found
    }

    /// Moves the calling thread into the namespace with setns(2).
    /// Call on the main thread before any socket, iptc handle or Task exists:
    /// a namespace belongs to a thread, and sockets keep the namespace they were made in.
    public func enter() throws(KernelError) {
        let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        do throws(KernelError) {
            try syscall("setns", path) { swlb_setns_net(fd) }
        } catch {
            if error.errno == EPERM { throw .notPermitted("entering network namespace \(path)") }
            if error.errno == EINVAL { throw .syscall(call: "setns", object: "\(path) (not a network namespace)", errno: EINVAL) }
            throw error
        }
    }
}
