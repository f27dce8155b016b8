/// The IPv4 sockets of the current namespace (/proc/net/udp and /proc/net/tcp), as `ss -lnu4` /
/// `ss -lnt4` see them: used to tell whether something listens where the DNS NAT rules point.
public enum SocketTable {
    public struct Listener: Hashable, Sendable {
        public var proto: TransportPort.Proto
        public var address: IPv4Address
        public var port: UInt16
    }

    /// Bound UDP sockets and listening TCP sockets.
    public static func listeners() throws(KernelError) -> [Listener] {
        try parse(ProcFile.read("/proc/thread-self/net/udp"), .udp) + parse(ProcFile.read("/proc/thread-self/net/tcp"), .tcp)
    }

    static func parse(_ text: String, _ proto: TransportPort.Proto) -> [Listener] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count > 3 else { return nil }
            let local = f[1].split(separator: ":")
            // TCP state 0A is LISTEN; a UDP socket is "listening" once bound (state 07).
            guard local.count == 2, proto == .udp || f[3] == "0A",
                let raw = UInt32(local[0], radix: 16), let port = UInt16(local[1], radix: 16)
            else { return nil }
            // /proc prints the address's network-order bytes read as a host integer.
            return Listener(proto: proto, address: IPv4Address(networkOrder: raw), port: port)
        }
    }
}
