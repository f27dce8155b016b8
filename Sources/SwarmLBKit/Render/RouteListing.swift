/// Prints routes exactly as `ip route show [table all]` of iproute2 6.1 does (print_route).
public enum RouteListing {
    /// `allTables`: the routes of `ip route show table all`, each outside the main table naming it.
    public static func text(_ routes: [RouteEntry], allTables: Bool) -> String {
        var out = TextBuffer(capacity: 100 * routes.count)
        for r in routes { line(r, allTables: allTables, into: &out) }
        return out.text
    }

    static func line(_ r: RouteEntry, allTables: Bool, into out: inout TextBuffer) {
        if r.typeID != 1 { out.write(r.type + " ") }
        out.write(r.destination + " ")
        if let s = r.source { out.write("from \(s) ") }
        if let n = r.nexthopID { out.write("nhid \(n) ") }
        if let t = r.tos { out.write("tos \(t) ") }
        if let g = r.gateway { out.write("via \(g) ") }
        if let v = r.via { out.write("via \(v) ") }
        if let d = r.device { out.write("dev \(d) ") }
        if r.tableID != 0 && r.tableID != 254 && allTables { out.write("table \(r.table) ") }
        if !r.cloned {
            if r.protocolID != 3 { out.write("proto \(r.protocol) ") }
            if r.scopeID != 0 { out.write("scope \(r.scope) ") }
        }
        if let p = r.preferredSource { out.write("src \(p) ") }
        if let m = r.metric { out.write("metric \(m) ") }
        for f in r.flags { out.write(f + " ") }
        if let m = r.mark, m != 0 { out.write(m >= 16 ? "mark 0x\(String(m, radix: 16)) " : "mark \(m) ") }
        if let u = r.uid { out.write("uid \(u) ") }
        if let e = r.expires { out.write("expires \(e)sec ") }
        if let e = r.error { out.write("error \(e) ") }
        for m in r.metrics { out.write(m.name + " " + (m.locked ? "lock " : "") + m.value + " ") }
        if let i = r.inputDevice { out.write("iif \(i) ") }
        if let p = r.preference { out.write("pref \(p)") }
        out.write(UInt8(ascii: "\n"))
    }
}
