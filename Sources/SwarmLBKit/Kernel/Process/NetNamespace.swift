import CLinux
import Glibc

/// A network namespace file found from what the operator named (`NamespaceTarget`): a path
/// (`/run/docker/netns/1-abc`, `/proc/123/ns/net`), a bare name looked up in
/// /run/docker/netns then /run/netns, or `pid:N`. Entering it is `nsenter --net=PATH`.
public struct NetNamespace: Sendable, Hashable {
    /// The namespace file that will be opened and passed to setns(2).
    public let path: String

    public static let dockerDirectory = "/run/docker/netns"
    public static let iprouteDirectory = "/run/netns"

    /// The namespace of the calling thread, whichever it is when the file is opened.
    public static let current = NetNamespace(verified: "/proc/thread-self/ns/net")

    /// A namespace file known to exist (one found by `started()`).
    init(verified path: String) { self.path = path }

    /// The namespace the calling thread is in, as a file that names it for as long as swarmlb runs:
    /// the file under /run/netns or /run/docker/netns, or /proc/1/ns/net, that is the same namespace
    /// (as `ip netns identify`), else a descriptor kept open (/proc/self/fd/N). Call before `enter()`:
    /// the overlay commands build in the namespace they were started in as well as in --netns.
    public static func started() throws(KernelError) -> NetNamespace {
        let own = "/proc/thread-self/ns/net"
        var mine = stat()
        try syscall("stat", own) { stat(own, &mine) }
        var candidates = ["/proc/1/ns/net"]
        for directory in [iprouteDirectory, dockerDirectory] {
            guard let dir = opendir(directory) else { continue }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != ".", name != ".." { candidates.append("\(directory)/\(name)") }
            }
            closedir(dir)
        }
        for path in candidates {
            var other = stat()
            if stat(path, &other) == 0, other.st_dev == mine.st_dev, other.st_ino == mine.st_ino { return NetNamespace(verified: path) }
        }
        // Left open on purpose: the path names this namespace until swarmlb exits.
        let fd = try syscall("open", own) { open(own, O_RDONLY | O_CLOEXEC) }
        return NetNamespace(verified: "/proc/self/fd/\(fd)")
    }

    /// Resolves the namespace the operator named to its namespace file.
    public init(_ target: NamespaceTarget) throws(KernelError) {
        let spec = target.description
        switch target {
        case .pid(let pid):
            path = "/proc/\(pid)/ns/net"
            try Self.check(path, spec, tried: [path])
        case .path(let file):
            try Self.check(file, spec, tried: [file])
            path = file
        case .name(let name):
            let candidates = [Self.dockerDirectory, Self.iprouteDirectory].map { "\($0)/\(name)" }
            guard let found = candidates.first(where: { access($0, F_OK) == 0 || errno != ENOENT }) else {
                throw .namespaceNotFound(spec, tried: candidates)
            }
            try Self.check(found, spec, tried: candidates)
            path = found
        }
    }

    /// Whether the file at `path` is a mounted namespace (nsfs, or procfs before Linux 3.19) rather
    /// than the empty file a namespace leaves when it is unmounted: Docker unmounts a removed
    /// sandbox's namespace at once but deletes its file under /run/docker/netns only at its next
    /// garbage collection, up to about two minutes later. Unknown (statfs failed) counts as mounted,
    /// so that entering it says why it cannot be read.
    public static func isMounted(_ path: String) -> Bool {
        let type = swlb_fs_type(path)
        return type == 0 || type == 0x6e73_6673 || type == 0x9fa0  // statfs failed, NSFS_MAGIC, PROC_SUPER_MAGIC
    }

    /// Not found is ENOENT (or ENOTDIR) only; EACCES/EPERM (another user's /proc/PID/ns/net) is a permission failure.
    private static func check(_ path: String, _ spec: String, tried: [String]) throws(KernelError) {
        guard access(path, F_OK) != 0 else { return }
        let e = errno
        if e == EACCES || e == EPERM { throw .notPermitted("opening network namespace \(path)") }
        if e == ENOENT || e == ENOTDIR { throw .namespaceNotFound(spec, tried: tried) }
        throw .syscall(call: "access", object: path, errno: e)
    }

    /// Moves the calling thread into the namespace with setns(2).
    /// Call on the main thread before any socket, iptc handle or Task exists:
    /// a namespace belongs to a thread, and sockets keep the namespace they were made in.
    public func enter() throws(KernelError) {
        let fd: Int32
        // Without blocking (a FIFO would wait for a writer forever), then only a namespace file.
        do throws(KernelError) { fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) } } catch {
            if error.errno == EACCES || error.errno == EPERM { throw .notPermitted("opening network namespace \(path)") }
            throw error
        }
        defer { close(fd) }
        let type = swlb_fd_fs_type(fd)
        guard type == 0x6e73_6673 || type == 0x9fa0 else {  // NSFS_MAGIC, PROC_SUPER_MAGIC
            throw .syscall(call: "setns", object: "\(path) (not a namespace file)", errno: EINVAL)
        }
        do throws(KernelError) {
            try syscall("setns", path) { swlb_setns_net(fd) }
        } catch {
            if error.errno == EPERM { throw .notPermitted("entering network namespace \(path)") }
            if error.errno == EINVAL { throw .syscall(call: "setns", object: "\(path) (not a network namespace)", errno: EINVAL) }
            throw error
        }
    }
}
