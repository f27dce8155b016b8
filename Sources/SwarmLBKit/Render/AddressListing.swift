/// Prints addresses exactly as `ip -o addr show` (iproute2) does.
public enum AddressListing {
    public static func oneLine(_ addresses: [AddressDetail]) -> String {
        addresses.map(line).joined()
    }

    static func line(_ a: AddressDetail) -> String {
        var s = "\(a.interfaceIndex): \(a.interface)    \(a.family) \(a.local)"
        s += a.peer.map { " peer \($0)/\(a.prefixLength)" } ?? "/\(a.prefixLength)"
        if let b = a.broadcast { s += " brd \(b)" }
        s += " scope \(scopeName(a.scope)) "
        for f in flagNames(a.flags, inet6: a.family == "inet6") { s += f + " " }
        if a.family == "inet", let label = a.label { s += label }
        s += "\\       valid_lft \(lifetime(a.validLifetime)) preferred_lft \(lifetime(a.preferredLifetime))\n"
        return s
    }

    static func scopeName(_ scope: UInt8) -> String {
        switch scope {
        case 0: "global"
        case 200: "site"
        case 253: "link"
        case 254: "host"
        case 255: "nowhere"
        default: String(scope)
        }
    }

    static func lifetime(_ seconds: UInt32) -> String { seconds == 0xffff_ffff ? "forever" : "\(seconds)sec" }

    /// iproute2's print_ifa_flags: table order, "dynamic" where IFA_F_PERMANENT is absent,
    /// leftover bits as "flags XX".
    static func flagNames(_ flags: UInt32, inet6: Bool) -> [String] {
        let table: [(UInt32, String)] = [
            (0x01, inet6 ? "temporary" : "secondary"), (0x02, "nodad"), (0x04, "optimistic"), (0x08, "dadfailed"),
            (0x10, "home"), (0x20, "deprecated"), (0x40, "tentative"), (0x80, "permanent"), (0x100, "mngtmpaddr"),
            (0x200, "noprefixroute"), (0x400, "autojoin"), (0x800, "stable-privacy"),
        ]
        var names: [String] = []
        var rest = flags
        for (bit, name) in table {
            if bit == 0x80 {
                if flags & bit == 0 { names.append("dynamic") }
            } else if flags & bit != 0 {
                names.append(name)
            }
            rest &= ~bit
        }
        if rest != 0 { names.append("flags " + (rest < 16 ? "0" : "") + String(rest, radix: 16)) }
        return names
    }
}
