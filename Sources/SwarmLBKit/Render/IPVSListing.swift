/// Prints an IPVS snapshot exactly as ipvsadm does: `-Ln`, `-Ln --stats`, `-Ln --rate`,
/// each with or without `--exact`, and `-Lnc` for the connection table.
public struct IPVSListing {
    public enum Columns: Sendable { case standard, stats, rate }

    public var snapshot: IPVSSnapshot
    public var columns: Columns
    public var exact: Bool
    /// ipvsadm prints the version line for the whole table (`-Ln`), not for one service (`-Ln -f 257`).
    public var versionLine: Bool

    public init(_ snapshot: IPVSSnapshot, columns: Columns = .standard, exact: Bool = false, versionLine: Bool = true) {
        self.snapshot = snapshot
        self.columns = columns
        self.exact = exact
        self.versionLine = versionLine
    }

    public var text: String { render().text }

    public func render() -> TextBuffer {
        var out = TextBuffer(capacity: 64 * (snapshot.entries.count + snapshot.entries.reduce(0) { $0 + $1.reals.count } + 4))
        let v = snapshot.version
        if versionLine {
            out.write("IP Virtual Server version \(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff) (size=\(snapshot.tableSize))\n")
        }
        out.write(title)
        for e in snapshot.entries {
            serviceLine(e, into: &out)
            out.write(UInt8(ascii: "\n"))
            for r in e.reals {
                realLine(r, into: &out)
                out.write(UInt8(ascii: "\n"))
            }
        }
        return out
    }

    var title: String {
        switch columns {
        case .standard:
            return "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
        case .stats: return Self.countersTitle(["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"])
        case .rate: return Self.countersTitle(["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"])
        }
    }

    /// ipvsadm's `"%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n"`.
    static func countersTitle(_ columns: [String]) -> String {
        var out = TextBuffer()
        out.left("Prot LocalAddress:Port", 33)
        for c in columns {
            out.write(UInt8(ascii: " "))
            out.right(c, 8)
        }
        out.write("\n  -> RemoteAddress:Port\n")
        return out.text
    }

    /// ipvsadm's service name: `FWM  257`, `FWM  301 IPv6`, `TCP  10.1.1.1:80`, `SCTP 10.1.1.1:80`
    /// (the protocol padded to 4), `TCP  [2001:db8::1]:80`; an IPv4 one is cut at 33 characters.
    static func serviceName(_ key: IPVSService.Key) -> String {
        switch key {
        case .fwmark(let m): return "FWM  \(m.value)"
        case .fwmarkIPv6(let m): return "FWM  \(m.value) IPv6"
        case let .address(p, a, port):
            var proto = p.rawValue.uppercased()
            while proto.count < 4 { proto += " " }
            let name = "\(proto) \(a.endpoint(port))"
            return a.isIPv6 ? name : String(name.prefix(33))
        }
    }

    func serviceLine(_ e: IPVSSnapshot.Entry, into out: inout TextBuffer) {
        let name = Self.serviceName(e.service.key)
        let s = e.stats
        switch columns {
        case .stats:
            out.left(name, 33)
            for n in [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes] { largeNumber(n, into: &out) }
        case .rate:
            out.left(name, 33)
            for n in [s.connectionsPerSecond, s.inPacketsPerSecond, s.outPacketsPerSecond, s.inBytesPerSecond, s.outBytesPerSecond] {
                largeNumber(n, into: &out)
            }
        case .standard:
            out.write(name)
            out.write(UInt8(ascii: " "))
            let s = e.service
            out.write(s.scheduler.rawValue)
            let schedulerFlags = s.flags.schedulerFlagNames(s.scheduler.rawValue)
            if !s.flags.isDisjoint(with: [.scheduler1, .scheduler2, .scheduler3]) { out.write(" (\(schedulerFlags))") }
            if let timeout = s.persistence {
                out.write(" persistent ")
                out.write(UInt64(timeout))
                if s.key.isIPv6 {
                    if s.netmask != 128 { out.write(" mask \(Int32(bitPattern: s.netmask))") }
                } else if s.netmask != 0xffff_ffff {
                    out.write(" mask ")
                    out.write(IPv4Address(networkOrder: s.netmask))
                }
                if let pe = s.persistenceEngine {
                    out.write(" pe ")
                    out.write(pe)
                }
            }
            if s.flags.contains(.onePacket) { out.write(" ops") }
        }
    }

    func realLine(_ r: RealServer, into out: inout TextBuffer) {
        // "  -> " then the endpoint padded to 28 (ipvsadm cuts an IPv4 one at 28, which is never reached,
        // and lets an IPv6 one overflow).
        out.write("  -> ")
        let start = out.count
        switch r.address {
        case .v4(let a):
            out.write(a)
            out.write(UInt8(ascii: ":"))
            out.write(UInt64(r.port))
        case .v6:
            out.write(r.endpoint)
        }
        out.spaces(28 - (out.count - start))
        let s = r.stats
        switch columns {
        case .stats:
            for n in [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes] { largeNumber(n, into: &out) }
        case .rate:
            // ipvsadm 1.31 prints the three rates of a real server as plain %8llu, the byte rates scaled.
            for n in [s.connectionsPerSecond, s.inPacketsPerSecond, s.outPacketsPerSecond] {
                out.write(UInt8(ascii: " "))
                out.right(n, 8)
            }
            largeNumber(s.inBytesPerSecond, into: &out)
            largeNumber(s.outBytesPerSecond, into: &out)
        case .standard:
            out.write(UInt8(ascii: " "))
            out.left(r.forwarding.ipvsadmName, 7)
            out.write(UInt8(ascii: " "))
            out.left(String(r.weight), 6)
            out.write(UInt8(ascii: " "))
            out.left(UInt64(r.activeConnections), 10)
            out.write(UInt8(ascii: " "))
            out.left(UInt64(r.inactiveConnections), 10)
        }
    }

    /// ipvsadm's print_largenum: 9 columns, scaled to K/M/G/T past 100 million unless --exact.
    func largeNumber(_ i: UInt64, into out: inout TextBuffer) {
        if exact {
            let digits = TextBuffer.digitCount(i)
            return out.right(i, digits <= 8 ? 9 : digits + 1)
        }
        let (value, unit): (UInt64, UInt8?) =
            switch i {
            case ..<100_000_000: (i, nil)
            case ..<1_000_000_000: (i / 1000, UInt8(ascii: "K"))
            case ..<100_000_000_000: (i / 1_000_000, UInt8(ascii: "M"))
            case ..<100_000_000_000_000: (i / 1_000_000_000, UInt8(ascii: "G"))
            default: (i / 1_000_000_000_000, UInt8(ascii: "T"))
            }
        out.right(value, unit == nil ? 9 : 8)
        if let unit { out.write(unit) }
    }

    /// `ipvsadm -L --timeout`: one line, e.g. `Timeout (tcp tcpfin udp): 900 120 300`.
    public static func timeouts(_ t: IPVSTimeouts) -> String {
        "Timeout (tcp tcpfin udp): \(t.tcp) \(t.tcpFin) \(t.udp)\n"
    }

    /// The connection table as `ipvsadm -Lnc` prints it.
    public static func connections(_ list: [IPVSConnection]) -> String {
        var out = TextBuffer()
        out.write("IPVS connection entries\npro expire state       source             virtual            destination\n")
        for c in list {
            out.left(c.proto, 3)
            out.write(UInt8(ascii: " "))
            let start = out.count
            if c.expires / 60 < 10 { out.write(UInt8(ascii: "0")) }
            out.write(UInt64(c.expires / 60))
            out.write(UInt8(ascii: ":"))
            if c.expires % 60 < 10 { out.write(UInt8(ascii: "0")) }
            out.write(UInt64(c.expires % 60))
            out.spaces(6 - (out.count - start))
            out.write(UInt8(ascii: " "))
            out.left(c.state, 11)
            out.write(UInt8(ascii: " "))
            out.left(c.client, 18)
            out.write(UInt8(ascii: " "))
            out.left(c.virtual, 18)
            out.write(UInt8(ascii: " "))
            out.write(c.destination)
            out.write(UInt8(ascii: "\n"))
        }
        return out.text
    }
}
