import Glibc

/// The names iproute2 gives routing tables, route protocols, scopes and device groups: its
/// built-in ones, then those of /etc/iproute2 (rt_tables, rt_protos, rt_scopes, group and the
/// `.d/*.conf` files), read as its rtnl_tab_initialize does, the last name given a number winning.
public struct IPRouteNames: Sendable {
    var tables: [UInt32: String] = [253: "default", 254: "main", 255: "local"]
    var protocols: [UInt32: String] = [
        0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static", 8: "gated", 9: "ra", 10: "mrt", 11: "zebra",
        12: "bird", 13: "dnrouted", 14: "xorp", 15: "ntk", 16: "dhcp", 18: "keepalived", 42: "babel", 186: "bgp",
        187: "isis", 188: "ospf", 189: "rip", 192: "eigrp",
    ]
    var scopes: [UInt32: String] = [0: "global", 255: "nowhere", 254: "host", 253: "link", 200: "site"]
    var groups: [UInt32: String] = [0: "default"]

    /// The names of this machine, read from `directory` (iproute2 6.1's CONFDIR).
    public static func read(directory: String = "/etc/iproute2") -> IPRouteNames {
        var names = IPRouteNames()
        names.tables.merge(file(directory + "/rt_tables")) { $1 }
        for f in confFiles(directory + "/rt_tables.d") { names.tables.merge(file(f)) { $1 } }
        names.protocols.merge(file(directory + "/rt_protos")) { $1 }
        for f in confFiles(directory + "/rt_protos.d") { names.protocols.merge(file(f)) { $1 } }
        names.scopes.merge(file(directory + "/rt_scopes")) { $1 }
        names.groups.merge(file(directory + "/group")) { $1 }
        return names
    }

    public func table(_ id: UInt32) -> String { tables[id] ?? String(id) }
    public func routeProtocol(_ id: UInt8) -> String { protocols[UInt32(id)] ?? String(id) }
    public func scope(_ id: UInt8) -> String { scopes[UInt32(id)] ?? String(id) }
    public func group(_ id: UInt32) -> String { groups[id] ?? String(Int32(bitPattern: id)) }

    /// Lines of `NUMBER NAME` (decimal or 0x hex); `#` starts a comment line.
    private static func file(_ path: String) -> [UInt32: String] {
        guard let text = try? ProcFile.read(path) else { return [:] }
        var found: [UInt32: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, !fields[0].hasPrefix("#") else { continue }
            let number = fields[0].hasPrefix("0x") ? UInt32(fields[0].dropFirst(2), radix: 16) : UInt32(fields[0])
            if let number { found[number] = String(fields[1]) }
        }
        return found
    }

    /// The `*.conf` files of a directory, in readdir order as iproute2 reads them.
    private static func confFiles(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var files: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".conf") && name.count > 5 { files.append(directory + "/" + name) }
        }
        return files
    }
}
