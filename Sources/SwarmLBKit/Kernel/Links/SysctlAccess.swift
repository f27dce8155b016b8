import Glibc

/// Reading and writing a `Sysctl` in the calling thread's network namespace (`sysctl`, `sysctl -w`).
extension Sysctl {
    public func read() throws(KernelError) -> String {
        let p = path
        let fd = try syscall("open", p) { open(p, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = try syscall("read", p) { buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 255) } }
        return String(decoding: buffer[..<n], as: UTF8.self).trimmingTrailingWhitespace
    }

    public func write(_ value: String) throws(KernelError) {
        let p = path
        let fd = try syscall("open", p) { open(p, O_WRONLY | O_CLOEXEC) }
        defer { close(fd) }
        let text = Array((value + "\n").utf8)
        try syscall("write", "\(p) (\(value))") { text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } }
    }
}
