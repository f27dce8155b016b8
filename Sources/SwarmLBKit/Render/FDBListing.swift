/// Prints forwarding database entries exactly as `bridge fdb show` of iproute2 6.1 does (print_fdb).
public enum FDBListing {
    public static func text(_ entries: [FDBEntry]) -> String {
        var out = TextBuffer(capacity: 70 * entries.count)
        for e in entries {
            if let m = e.mac { out.write(m + " ") }
            if let d = e.device { out.write("dev \(d) ") }
            if let d = e.destination { out.write("dst \(d) ") }
            if let v = e.vlan { out.write("vlan \(v) ") }
            if let p = e.port { out.write("port \(p) ") }
            if let v = e.vni { out.write("vni \(v) ") }
            if let v = e.sourceVNI { out.write("src_vni \(v) ") }
            if let i = e.viaIndex { out.write(e.via.map { "via \($0) " } ?? "via ifindex \(i) ") }
            if let n = e.nexthopID { out.write("nhid \(n) ") }
            if let l = e.linkNetnsid { out.write("link-netnsid \(l) ") }
            for f in e.flags { out.write(f + " ") }
            if let m = e.master { out.write("master \(m) ") }
            out.write(e.state)
            out.write(UInt8(ascii: "\n"))
        }
        return out.text
    }
}
