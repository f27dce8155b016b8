import Glibc

/// Reads a whole file under /proc. `/proc/thread-self/net/...` is the calling thread's network
/// namespace, which is the one swarmlb entered.
enum ProcFile {
    static func read(_ path: String) throws(KernelError) -> String {
        String(decoding: try bytes(path), as: UTF8.self)
    }

    /// The file's bytes, for a listing parsed byte by byte (no UTF-8 validation of a large text).
    static func bytes(_ path: String) throws(KernelError) -> [UInt8] {
        let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try syscall("read", path) { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if n == 0 { break }
            data += chunk[..<n]
        }
        return data
    }
}
