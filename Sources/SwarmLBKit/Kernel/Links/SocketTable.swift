import Glibc

/// The IPv4 sockets of the current namespace, as `ss -lnu4` / `ss -lnt4` see them (over sock_diag,
/// as ss reads them; from /proc/net/udp and /proc/net/tcp on a kernel without it): used to tell
/// whether something listens where the DNS NAT rules point.
public enum SocketTable {
    public struct Listener: Hashable, Sendable {
        public var proto: TransportPort.Proto
        public var address: IPv4Address
        public var port: UInt16
    }

    /// Bound UDP sockets and listening TCP sockets.
    public static func listeners() throws(KernelError) -> [Listener] {
        if let listed = try? diagnosed() { return listed }
        return try parse(ProcFile.read("/proc/thread-self/net/udp"), .udp) + parse(ProcFile.read("/proc/thread-self/net/tcp"), .tcp)
    }

    /// sock_diag's answer: asked for listening TCP sockets only, the kernel walks its listening hash,
    /// not every established connection of the machine (which /proc/net/tcp reads in each namespace).
    static func diagnosed() throws(KernelError) -> [Listener] {
        let socket = try NetlinkSocket(protocol: 4)  // NETLINK_SOCK_DIAG
        return try diagnosed(socket, .udp) + diagnosed(socket, .tcp)
    }

    private static func diagnosed(_ socket: NetlinkSocket, _ proto: TransportPort.Proto) throws(KernelError) -> [Listener] {
        // inet_diag_req_v2: family, protocol, extensions, pad, the states asked for (TCP_LISTEN is 10;
        // a UDP socket counts once bound, whatever its state), then a zero socket id.
        var request = [UInt8](repeating: 0, count: 56)
        request[0] = UInt8(AF_INET)
        request[1] = UInt8(proto.number)
        let states: UInt32 = proto == .tcp ? 1 << 10 : .max
        withUnsafeBytes(of: states.littleEndian) { request.replaceSubrange(4..<8, with: $0) }
        let sockDiagByFamily: Int32 = 20
        return try socket.dump(sockDiagByFamily, header: request, operation: "listing", object: "\(proto) sockets")
            .filter { $0.type == UInt16(sockDiagByFamily) && $0.payload.count >= 72 }
            .map { m in
                // inet_diag_msg: family, state, timer, retrans, then the id: source port (network order), destination port, source address.
                let port = UInt16(m.payload.u8(at: 4)) << 8 | UInt16(m.payload.u8(at: 5))
                return Listener(proto: proto, address: IPv4Address(networkOrder: m.payload.u32(at: 8)), port: port)
            }
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
