/// Prints addresses exactly as `ip -o addr show` (iproute2) does; `protocols` says whether and how
/// the installed iproute2 prints an address's protocol.
public enum AddressListing {
    public static func oneLine(_ addresses: [AddressDetail], protocols: AddressProtocolNames? = nil) -> String {
        // The installed iproute2 is looked up only when some address has a protocol to print.
        let protocols =
            protocols ?? (addresses.contains { ($0.protocol ?? 0) != 0 } ? .installed() : AddressProtocolNames(shown: false))
        var out = TextBuffer(capacity: 120 * addresses.count)
        for a in addresses { line(a, protocols: protocols, into: &out) }
        return out.text
    }

    static func line(_ a: AddressDetail, protocols: AddressProtocolNames, into out: inout TextBuffer) {
        out.write(UInt64(a.interfaceIndex))
        out.write(": ")
        out.write(a.interface)
        out.write("    ")
        out.write(a.family)
        out.write(UInt8(ascii: " "))
        out.write(a.local)
        if let peer = a.peer {
            out.write(" peer ")
            out.write(peer)
        }
        out.write(UInt8(ascii: "/"))
        out.write(UInt64(a.prefixLength))
        if let b = a.broadcast {
            out.write(" brd ")
            out.write(b)
        }
        out.write(" scope ")
        out.write(scopeName(a.scope))
        out.write(UInt8(ascii: " "))
        for f in flagNames(a.flags, inet6: a.family == "inet6") {
            out.write(f)
            out.write(UInt8(ascii: " "))
        }
        // print_addrinfo: a zero protocol is not printed.
        if protocols.shown, let p = a.protocol, p != 0 {
            out.write("proto ")
            out.write(protocols.name(p))
            out.write(UInt8(ascii: " "))
        }
        if a.family == "inet", let label = a.label { out.write(label) }
        out.write("\\       valid_lft ")
        out.write(lifetime(a.validLifetime))
        out.write(" preferred_lft ")
        out.write(lifetime(a.preferredLifetime))
        out.write(UInt8(ascii: "\n"))
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
        if flags == 0x80 { return [] }  // the common case: permanent, nothing else
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
