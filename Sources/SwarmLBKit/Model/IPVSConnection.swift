/// One entry of the IPVS connection table (`ipvsadm -Lnc`, /proc/net/ip_vs_conn).
public struct IPVSConnection: Hashable, Sendable, Encodable {
    public var proto: String
    public var client: String
    public var virtual: String
    public var destination: String
    public var state: String
    /// Seconds until the entry expires.
    public var expires: UInt32

    /// In JSON the protocol is `protocol`, lower case (`tcp`), as for services.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(proto.lowercased(), forKey: .protocol)
        try c.encode(client, forKey: .client)
        try c.encode(virtual, forKey: .virtual)
        try c.encode(destination, forKey: .destination)
        try c.encode(state, forKey: .state)
        try c.encode(expires, forKey: .expires)
    }
    private enum Keys: String, CodingKey { case `protocol`, client, virtual, destination, state, expires }

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

    private static func canonicalIPv6(_ text: String) -> String { (try? IPv6Address(parsing: text))?.description ?? text }
}
