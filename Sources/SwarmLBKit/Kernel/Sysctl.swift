import Glibc

/// A kernel parameter under /proc/sys, read and written for the current network namespace
/// (net.* entries are per namespace). Mirrors `sysctl -w net.ipv4.vs.conntrack=1`.
public struct Sysctl: Hashable, Sendable, CustomStringConvertible {
    /// Dotted name, e.g. `net.ipv4.vs.conntrack`.
    public let name: String

    public init(_ name: String) { self.name = name }

    public static let ipvsConntrack = Sysctl("net.ipv4.vs.conntrack")
    public static let ipvsConnReuseMode = Sysctl("net.ipv4.vs.conn_reuse_mode")
    public static let ipvsExpireNodestConn = Sysctl("net.ipv4.vs.expire_nodest_conn")
    public static let ipvsExpireQuiescentTemplate = Sysctl("net.ipv4.vs.expire_quiescent_template")
    public static let ipForward = Sysctl("net.ipv4.ip_forward")
    /// Lets DNAT send the node's own 127.0.0.1 connections out through `device` (the ingress mesh's docker_gwbridge).
    public static func routeLocalnet(_ device: String) -> Sysctl {
        Sysctl("net.ipv4.conf.\(String(device.map { $0 == "." ? "/" : $0 })).route_localnet")
    }

    /// sysctl(8)'s convention: a `/` in a dotted name stands for a `.` of the path (`net.ipv4.conf.eth0/100.rp_filter`).
    var path: String { "/proc/sys/" + String(name.map { $0 == "." ? "/" : $0 == "/" ? "." : $0 }) }
    public var description: String { name }

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

extension String {
    var trimmingTrailingWhitespace: String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
