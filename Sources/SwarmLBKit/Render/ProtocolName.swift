import Glibc

/// IP protocol names as iptables prints them: its own short table first, then /etc/protocols,
/// else the number.
enum ProtocolName {
    private static let known: [UInt16: String] = [
        6: "tcp", 17: "udp", 136: "udplite", 1: "icmp", 58: "ipv6-icmp",
        50: "esp", 51: "ah", 132: "sctp", 135: "mh",
    ]

    static func name(_ number: UInt16) -> String {
        if let n = known[number] { return n }
        if let p = getprotobynumber(Int32(number)), let n = p.pointee.p_name { return String(cString: n) }
        return String(number)
    }
}
