/// Prints IPVS services and real servers exactly as `ipvsadm -Ln` does.
public struct IPVSListing {
    public var version: UInt32
    public var tableSize: UInt32
    public var services: [(IPVSService, [RealServer])]
    /// ipvsadm prints the version line for the whole table (`-Ln`), not for one service (`-Ln -f 257`).
    public var versionLine: Bool

    public init(version: UInt32, tableSize: UInt32, services: [(IPVSService, [RealServer])], versionLine: Bool = true) {
        self.version = version
        self.tableSize = tableSize
        self.services = services
        self.versionLine = versionLine
    }

    public var text: String {
        var out = ""
        if versionLine {
            out += "IP Virtual Server version \(version >> 16 & 0xff).\(version >> 8 & 0xff).\(version & 0xff) (size=\(tableSize))\n"
        }
        out += "Prot LocalAddress:Port Scheduler Flags\n"
        out += "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
        for (service, reals) in services {
            out += Self.serviceLine(service) + "\n"
            for r in reals { out += Self.realLine(r) + "\n" }
        }
        return out
    }

    static func serviceLine(_ s: IPVSService) -> String {
        var line: String
        switch s.key {
        case .fwmark(let m): line = "FWM  \(m.value) \(s.scheduler.rawValue)"
        case let .address(p, a, port): line = "\(p.rawValue.uppercased())  \(a):\(port) \(s.scheduler.rawValue)"
        }
        if let timeout = s.persistence {
            line += " persistent \(timeout)"
            if s.netmask.value != 0xffff_ffff { line += " mask \(s.netmask)" }
        }
        if s.flags & 0x4 != 0 { line += " ops" }
        return line
    }

    static func realLine(_ r: RealServer) -> String {
        "  -> " + pad(r.endpoint, 28) + " " + pad(r.forwarding.ipvsadmName, 7) + " " + pad(String(r.weight), 6)
            + " " + pad(String(r.activeConnections), 10) + " " + pad(String(r.inactiveConnections), 10)
    }

    /// printf's `%-Ns`: left-aligned, padded to N, never truncated.
    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
