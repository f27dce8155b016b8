import Glibc

/// Whether and how the `ip` installed beside swarmlb prints an address's protocol (IFA_PROTO), so that
/// `inspect addr` matches that `ip -o addr show`: iproute2 6.4 and later print `proto NAME` (names from
/// rt_addrprotos, else `0x..`) for a non-zero protocol, 6.3 and earlier nothing. Which iproute2 is installed
/// is read without running it: SWARMLB_IPROUTE2_PROTO (1 or 0) if set, else dpkg's record of the iproute2
/// package, else the files only a 6.4+ iproute2 reads (/usr/share/iproute2, an rt_addrprotos).
public struct AddressProtocolNames: Sendable {
    /// Whether `proto ...` is printed at all.
    public let shown: Bool
    private let names: [UInt8: String]

    /// iproute2's own table (lib/rt_names.c), before the files.
    static let builtIn: [UInt8: String] = [0: "unspec", 1: "kernel_lo", 2: "kernel_ra", 3: "kernel_ll"]

    /// The files iproute2 reads, the first that exists (its CONF_ETC_DIR, then CONF_USR_DIR).
    static let files = ["/etc/iproute2/rt_addrprotos", "/usr/share/iproute2/rt_addrprotos"]

    public init(shown: Bool, file: String? = nil) {
        self.shown = shown
        var names = Self.builtIn
        if let file { for (number, name) in Self.entries(file) { names[number] = name } }
        self.names = names
    }

    /// The Version of PACKAGE's paragraph in dpkg's status file, when it is installed.
    static func installedVersion(of package: String, dpkgStatus: String) -> String? {
        for paragraph in dpkgStatus.split(separator: "\n\n") {
            let fields = paragraph.split(separator: "\n")
            guard fields.contains("Package: \(package)"), fields.contains(where: { $0.hasPrefix("Status: ") && $0.hasSuffix(" installed") })
            else { continue }
            return fields.first { $0.hasPrefix("Version: ") }.map { String($0.dropFirst("Version: ".count)) }
        }
        return nil
    }

    /// Whether a Debian version of iproute2 (`[EPOCH:]MAJOR.MINOR...`) is 6.4 or later.
    static func printsProtocol(version: String) -> Bool { isAtLeast(version, (6, 4)) }

    /// Whether a Debian version (`[EPOCH:]MAJOR.MINOR...`) is at least MAJOR.MINOR; one that cannot be read counts as new.
    static func isAtLeast(_ version: String, _ least: (Int, Int)) -> Bool {
        let upstream = version.split(separator: ":").last ?? ""
        let numbers = upstream.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard numbers.count == 2 else { return true }
        return (numbers[0], numbers[1]) >= least
    }

    /// iproute2's rtnl_addrprot_n2a: the name, else the number as `%#x`.
    public func name(_ protocol: UInt8) -> String {
        names[`protocol`] ?? (`protocol` == 0 ? "0" : "0x" + String(`protocol`, radix: 16))
    }

    /// rtnl_tab_initialize's format: `NUMBER NAME` per line (decimal or 0x hex), `#` comments, others skipped.
    static func entries(_ text: String) -> [(UInt8, String)] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, !fields[0].hasPrefix("#") else { return nil }
            let n = fields[0].lowercased()
            let number = n.hasPrefix("0x") ? UInt8(n.dropFirst(2), radix: 16) : UInt8(n)
            return number.map { ($0, String(fields[1])) }
        }
    }
}
