/// A kernel parameter under /proc/sys, by its dotted name (net.* entries are per network
/// namespace). A plain value; `Kernel/SysctlAccess.swift` reads and writes it, as
/// `sysctl net.ipv4.vs.conntrack` / `sysctl -w net.ipv4.vs.conntrack=1`.
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
}
