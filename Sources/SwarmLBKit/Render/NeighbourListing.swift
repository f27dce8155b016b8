/// Prints neighbours exactly as `ip neigh show` of iproute2 6.1 does (print_neigh).
public enum NeighbourListing {
    public static func text(_ entries: [NeighbourEntry]) -> String {
        var out = TextBuffer(capacity: 80 * entries.count)
        for e in entries {
            if !e.destination.isEmpty { out.write(e.destination + " ") }
            if let d = e.device { out.write("dev \(d) ") }
            if let l = e.lladdr { out.write("lladdr \(l) ") }
            for f in e.flags { out.write(f + " ") }
            for s in e.states { out.write(s + " ") }
            if let p = e.protocol { out.write("proto \(p) ") }
            out.write(UInt8(ascii: "\n"))
        }
        return out.text
    }
}
