/// Prints devices exactly as `ip -o link show` (and, with details, `ip -d -o link show`) of
/// iproute2 6.1 does: print_linkinfo's fields in its order, `\` where it breaks a line.
public enum LinkListing {
    /// `zeroQueueLength`: whether a device whose IFLA_TXQLEN is 0 (Docker 28's veths) gets `qlen 0`
    /// (ZeroQueueLength: as the installed iproute2 prints it).
    public static func oneLine(_ links: [LinkDetail], details: Bool = false, zeroQueueLength: Bool = false) -> String {
        var out = TextBuffer(capacity: (details ? 1200 : 200) * links.count)
        for l in links { line(l, details: details, zeroQueueLength: zeroQueueLength, into: &out) }
        return out.text
    }

    static func line(_ l: LinkDetail, details: Bool, zeroQueueLength: Bool = false, into out: inout TextBuffer) {
        out.write(UInt64(UInt32(bitPattern: l.index)))
        out.write(": ")
        out.write(l.name)
        if let link = l.link {
            out.write(UInt8(ascii: "@"))
            out.write(link)
        }
        out.write(": <")
        out.write(l.flags.joined(separator: ","))
        out.write("> ")
        if let mtu = l.mtu { out.write("mtu \(mtu) ") }
        if let q = l.qdisc { out.write("qdisc \(q) ") }
        if let m = l.master { out.write("master \(m) ") }
        if let s = l.operstate { out.write("state \(s) ") }
        if let m = l.linkMode { out.write("mode \(m) ") }
        if let g = l.group { out.write("group \(g) ") }
        if let q = l.txQueueLength, q != 0 || zeroQueueLength { out.write("qlen \(Int32(bitPattern: q))") }
        out.write("\\    link/")
        out.write(l.linkType)
        out.write(UInt8(ascii: " "))
        if let a = l.address { out.write(a) }
        if let b = l.broadcast {
            out.write(l.pointToPoint ? " peer " : " brd ")
            out.write(b)
        }
        if let p = l.permanentAddress {
            out.write(" permaddr ")
            out.write(p)
        }
        if let id = l.linkNetnsid {
            if id < 0 {
                out.write(" link-netnsid unknown")
            } else if let name = l.linkNetns {
                out.write(" link-netns \(name)")
            } else {
                out.write(" link-netnsid \(id)")
            }
        }
        if details { detailFields(l, into: &out) }
        if let alias = l.alias { out.write("\\    alias \(alias)") }
        out.write(UInt8(ascii: "\n"))
    }

    private static func detailFields(_ l: LinkDetail, into out: inout TextBuffer) {
        if let p = l.promiscuity { out.write(" promiscuity \(p) ") }
        if let a = l.allmulti { out.write(" allmulti \(a) ") }
        if let m = l.minMTU { out.write("minmtu \(m) ") }
        if let m = l.maxMTU { out.write("maxmtu \(m) ") }
        if let kind = l.kind {
            out.write("\\    \(kind) ")
            for s in l.kindSettings.settings { out.write(s.text) }
        }
        if let kind = l.slaveKind {
            out.write("\\    \(kind)_slave ")
            for s in l.slaveSettings.settings { out.write(s.text) }
        }
        if let m = l.addrGenMode { out.write("addrgenmode \(m) ") }
        if let n = l.txQueues { out.write("numtxqueues \(n) ") }
        if let n = l.rxQueues { out.write("numrxqueues \(n) ") }
        if let n = l.gsoMaxSize { out.write("gso_max_size \(n) ") }
        if let n = l.gsoMaxSegments { out.write("gso_max_segs \(n) ") }
        if let n = l.tsoMaxSize { out.write("tso_max_size \(n) ") }
        if let n = l.tsoMaxSegments { out.write("tso_max_segs \(n) ") }
        if let n = l.groMaxSize { out.write("gro_max_size \(n) ") }
    }
}
