import Glibc
import SwarmLBKit

/// One resolver per listen address and network namespace: held for the resolver's life, it is an
/// exclusive flock(2) on `/run/swarmlb/dns-<netns inode>-<address>:<port>.lock` (for a user who may
/// not write /run, as in a user namespace: `$XDG_RUNTIME_DIR` or /tmp, `swarmlb-dns-...`) (so two resolvers
/// starting at once cannot both win), taken only when no resolver (swarmlb's, or Docker's own)
/// already serves the port: for port 53 (nat mode or `--port 53`), no redirect of port 53 of the
/// address to ports something listens on (in the nat chain DOCKER_OUTPUT, or in Docker 29's nf_tables
/// `table ip docker-dns`), and nothing listening on port 53 itself; for another
/// given port, nothing listening on it. Redirect rules whose ports nothing listens on are a dead resolver's: `stale` lists them
/// for the new resolver to remove (they would shadow its own).
public final class ResolverClaim {
    public let stale: [DNSRedirect]
    private let fd: Int32
    private let path: String

    public static let directory = "/run/swarmlb"

    /// Takes the claim of `address`:`port` (53 for the nat redirect) in the calling thread's
    /// namespace; throws `KernelError.resolverRunning` naming the running resolver's ports.
    /// `nat` is the namespace's nat table.
    public init(address: IPv4Address, port: UInt16, nat: IPTablesDump) throws(KernelError) {
        // "net:[4026531840]": the namespace's inode, the same for every path that names it.
        var link = [CChar](repeating: 0, count: 64)
        let length = try syscall("readlink", "/proc/thread-self/ns/net") { readlink("/proc/thread-self/ns/net", &link, link.count - 1) }
        let namespace = String(decoding: link.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self).filter(\.isNumber)
        mkdir(Self.directory, 0o755)
        var path = "\(Self.directory)/dns-\(namespace)-\(address):\(port).lock"
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0, [EACCES, EPERM, EROFS].contains(errno) {
            path = "\(getenv("XDG_RUNTIME_DIR").map { String(cString: $0) } ?? "/tmp")/swarmlb-dns-\(namespace)-\(address):\(port).lock"
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        }
        if fd < 0 { throw .syscall(call: "open", object: path, errno: errno) }
        let listeners = (try? SocketTable.listeners()) ?? []
        func listening(_ proto: TransportPort.Proto, _ port: UInt16) -> Bool {
            listeners.contains { $0.proto == proto && $0.port == port && $0.address == address }
        }
        let redirects = port == 53 ? DNSRedirect.installed(for: address, in: nat) : []
        let live = redirects.filter { listening(.udp, $0.udpPort) || listening(.tcp, $0.tcpPort) }
        // Docker 29's own redirect, in nf_tables: a resolver is running when something listens on its ports.
        let native = (port == 53 ? DockerDNSTable.read(resolver: address)?.redirects : nil)?.filter { listening($0.proto, $0.port) } ?? []
        let locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        if !locked || !live.isEmpty || !native.isEmpty || listening(.udp, port) || listening(.tcp, port) {
            if locked { flock(fd, LOCK_UN) }
            close(fd)
            let ports =
                live.first.map { "udp/\($0.udpPort) tcp/\($0.tcpPort), port 53 redirected by nat \(DNSRedirect.outputChain)" }
                ?? (native.isEmpty
                    ? nil
                    : native.map { "\($0.proto.rawValue)/\($0.port)" }.joined(separator: " ")
                        + ", port 53 redirected by nf_tables table ip \(DockerDNSTable.name)")
                ?? (listening(.udp, port) || listening(.tcp, port) ? "udp/\(port) tcp/\(port)" : "ports not known yet: it is starting")
            throw .resolverRunning(address: address.description, ports: ports)
        }
        stale = redirects.filter { r in !live.contains(r) }
        self.fd = fd
        self.path = path
    }

    /// Gives the claim up (at exit): the lock file goes, then the lock.
    public func release() {
        unlink(path)
        close(fd)
    }
}
