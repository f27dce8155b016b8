import Glibc

/// One entry of the IPVS connection table (`ipvsadm -Lnc`, /proc/net/ip_vs_conn).
public struct IPVSConnection: Hashable, Sendable, Codable {
    public var proto: String
    public var client: String
    public var virtual: String
    public var destination: String
    public var state: String
    /// Seconds until the entry expires.
    public var expires: UInt32

    /// Parses the lines of /proc/net/ip_vs_conn (after its header): IPv4 addresses are hex,
    /// IPv6 ones text; ports are hex. Endpoints come out as ipvsadm prints them numerically.
    public static func parse(procText: String) -> [IPVSConnection] {
        procText.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 9, let expires = UInt32(f[8]) else { return nil }
            func endpoint(_ a: Substring, _ p: Substring) -> String? {
                guard let port = UInt16(p, radix: 16) else { return nil }
                if a.contains(":") { return "[\(canonicalIPv6(String(a)))]:\(port)" }
                guard let v = UInt32(a, radix: 16) else { return nil }
                return "\(IPv4Address(v)):\(port)"
            }
            guard let c = endpoint(f[1], f[2]), let v = endpoint(f[3], f[4]), let d = endpoint(f[5], f[6]) else { return nil }
            return IPVSConnection(proto: String(f[0]), client: c, virtual: v, destination: d, state: String(f[7]), expires: expires)
        }
    }

    private static func canonicalIPv6(_ text: String) -> String {
        var raw = in6_addr()
        guard inet_pton(AF_INET6, text, &raw) == 1 else { return text }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        return inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)).map { String(cString: $0) } ?? text
    }
}
