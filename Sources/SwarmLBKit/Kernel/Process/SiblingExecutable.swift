import Glibc

/// An executable installed in the same directory as the running one. `exec` replaces this process
/// with it, as execv(3) does, keeping the pid: `swarmlb dns serve` becomes `swarmlb-dns`, so the
/// signals an operator sends and the exit status are the server's own.
public struct SiblingExecutable {
    public let path: String

    /// The executable `name` beside /proc/self/exe.
    public init(_ name: String) throws(KernelError) {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX))
        let n = try syscall("readlink", "/proc/self/exe") {
            buffer.withUnsafeMutableBytes { readlink("/proc/self/exe", $0.baseAddress!, $0.count) }
        }
        let own = String(decoding: buffer.prefix(n), as: UTF8.self)
        path = String(own[..<(own.lastIndex(of: "/") ?? own.startIndex)]) + "/" + name
    }

    /// Runs it with `arguments` (argv[0] is its name) in place of this process; returns only by throwing.
    public func exec(_ arguments: [String]) throws(KernelError) -> Never {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv(path, &argv)
        throw .syscall(call: "execv", object: path, errno: errno)
    }
}
