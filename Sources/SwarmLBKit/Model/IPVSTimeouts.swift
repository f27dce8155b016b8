/// IPVS's connection timeouts of a namespace, in seconds: what `ipvsadm -L --timeout` prints and
/// `ipvsadm --set TCP TCPFIN UDP` sets. An idle TCP connection through a VIP is dropped after `tcp`
/// (900 s by default; moby#31208).
public struct IPVSTimeouts: Sendable, Equatable, Encodable {
    public var tcp: UInt32
    public var tcpFin: UInt32
    public var udp: UInt32

    public init(tcp: UInt32, tcpFin: UInt32, udp: UInt32) {
        self.tcp = tcp
        self.tcpFin = tcpFin
        self.udp = udp
    }
}
