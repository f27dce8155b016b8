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

    public var text: String {
        var out = ""
        let v = snapshot.version
        if versionLine { out += "IP Virtual Server version \(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff) (size=\(snapshot.tableSize))\n" }
        out += title
        for e in snapshot.entries {
            out += serviceLine(e) + "\n"
            for r in e.reals { out += realLine(r) + "\n" }
        }
        return out
    }

    var title: String {
        switch columns {
        case .standard:
            return "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
        case .stats:
            return Self.pad("Prot LocalAddress:Port", 33) + ["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"].map { " " + Self.right($0, 8) }.joined()
                + "\n  -> RemoteAddress:Port\n"
        case .rate:
            return Self.pad("Prot LocalAddress:Port", 33) + ["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"].map { " " + Self.right($0, 8) }.joined()
                + "\n  -> RemoteAddress:Port\n"
        }
    }

    /// ipvsadm's service name: `FWM  257` or `TCP  10.1.1.1:80`, cut at 33 characters.
    static func serviceName(_ key: IPVSService.Key) -> String {
        switch key {
        case .fwmark(let m): return "FWM  \(m.value)"
        case let .address(p, a, port):
            // ipvsadm prints every non-TCP address service as UDP.
            return String("\(p == .tcp ? "TCP" : "UDP")  \(a):\(port)".prefix(33))
        }
    }

    func serviceLine(_ e: IPVSSnapshot.Entry) -> String {
        let name = Self.serviceName(e.service.key)
        let s = e.stats
        switch columns {
        case .stats:
            return Self.pad(name, 33) + [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes].map(largeNumber).joined()
        case .rate:
            return Self.pad(name, 33) + [s.connectionsPerSecond, s.inPacketsPerSecond, s.outPacketsPerSecond,
                                         s.inBytesPerSecond, s.outBytesPerSecond].map(largeNumber).joined()
        case .standard:
            var line = "\(name) \(e.service.scheduler.rawValue)"
            if let timeout = e.service.persistence {
                line += " persistent \(timeout)"
                if e.service.netmask.value != 0xffff_ffff { line += " mask \(e.service.netmask)" }
            }
            if e.service.flags & 0x4 != 0 { line += " ops" }
            return line
        }
    }

    func realLine(_ r: RealServer) -> String {
        let name = "  -> " + Self.pad(String(r.endpoint.prefix(28)), 28)
        let s = r.stats
        switch columns {
        case .stats:
            return name + [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes].map(largeNumber).joined()
        case .rate:
            // ipvsadm prints the three rates of a real server as plain %8u (32 bits), the byte rates scaled.
            return name + [s.connectionsPerSecond, s.inPacketsPerSecond, s.outPacketsPerSecond]
                .map { " " + Self.right(String(UInt32(truncatingIfNeeded: $0)), 8) }.joined()
                + [s.inBytesPerSecond, s.outBytesPerSecond].map(largeNumber).joined()
        case .standard:
            return name + " " + Self.pad(r.forwarding.ipvsadmName, 7) + " " + Self.pad(String(r.weight), 6)
                + " " + Self.pad(String(r.activeConnections), 10) + " " + Self.pad(String(r.inactiveConnections), 10)
        }
    }

    /// ipvsadm's print_largenum: 9 columns, scaled to K/M/G/T past 100 million unless --exact.
    func largeNumber(_ i: UInt64) -> String {
        if exact {
            let digits = String(i)
            return Self.right(digits, digits.count <= 8 ? 9 : digits.count + 1)
        }
        switch i {
        case ..<100_000_000: return Self.right(String(i), 9)
        case ..<1_000_000_000: return Self.right(String(i / 1000), 8) + "K"
        case ..<100_000_000_000: return Self.right(String(i / 1_000_000), 8) + "M"
        case ..<100_000_000_000_000: return Self.right(String(i / 1_000_000_000), 8) + "G"
        default: return Self.right(String(i / 1_000_000_000_000), 8) + "T"
        }
    }

    /// printf's `%-Ns`: left-aligned, padded to N, never truncated.
    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// printf's `%Ns`: right-aligned.
    static func right(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// The connection table as `ipvsadm -Lnc` prints it.
    public static func connections(_ list: [IPVSConnection]) -> String {
        var out = "IPVS connection entries\n"
        out += "pro expire " + pad("state", 11) + " " + pad("source", 18) + " " + pad("virtual", 18) + " destination\n"
        for c in list {
            let expire = (c.expires / 60 < 10 ? "0" : "") + "\(c.expires / 60):" + (c.expires % 60 < 10 ? "0" : "") + "\(c.expires % 60)"
            out += pad(c.proto, 3) + " " + pad(expire, 6) + " " + pad(c.state, 11) + " " + pad(c.client, 18) + " "
                + pad(c.virtual, 18) + " " + c.destination + "\n"
        }
        return out
    }
}
