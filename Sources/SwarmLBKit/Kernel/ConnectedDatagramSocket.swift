import Glibc

/// A UDP socket connected to one server, made in the network namespace of the calling thread and
/// keeping that namespace for life. It is how the resolver reaches an upstream server from the
/// namespace the server is reachable from, as `nsenter --net=NS dig @SERVER` would send from NS,
/// while serving another namespace. Being connected, it hears only that server, and the server's
/// ICMP port-unreachable comes back as ECONNREFUSED at once instead of a timeout.
public struct ConnectedDatagramSocket: Sendable {
    public let descriptor: Int32

    /// socket(2) (non-blocking, for an event loop) and connect(2) to `address` (`length` bytes);
    /// ENETUNREACH when this namespace has no route to it. `server` names it in errors.
    public init(address: UnsafePointer<sockaddr>, length: Int, server: String) throws(KernelError) {
        let fd = try syscall("socket", "UDP to \(server)") {
            socket(
                Int32(address.pointee.sa_family), Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                0)
        }
        do throws(KernelError) {
            try syscall("connect", "UDP to \(server)") { connect(fd, address, socklen_t(length)) }
        } catch {
            Glibc.close(fd)
            throw error
        }
        descriptor = fd
    }

    public func close() { Glibc.close(descriptor) }
}
