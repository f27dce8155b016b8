import Glibc

/// IP protocol names as iptables prints them: its own short table first, then /etc/protocols,
/// else the number.
enum ProtocolName {
    /// Its own short table (a switch: asked once a rule in a listing).
    private static func known(_ number: UInt16) -> StaticString? {
        switch number {
        case 6: "tcp"
        case 17: "udp"
        case 136: "udplite"
        case 1: "icmp"
        case 58: "ipv6-icmp"
        case 50: "esp"
        case 51: "ah"
        case 132: "sctp"
        case 135: "mh"
        default: nil
        }
    }

    /// Writes the protocol's name (`-p NAME` of iptables -S): the short table's, else /etc/protocols', else the number.
    static func write(_ number: UInt16, to out: inout TextBuffer) {
        if let n = known(number) { return out.write(n) }
        if let p = getprotobynumber(Int32(number)), let n = p.pointee.p_name { return out.write(String(cString: n)) }
        out.write(UInt64(number))
    }
}
