import Glibc

extension AddressProtocolNames {
    /// What the installed iproute2 does (see the type's comment for how it is found).
    public static func installed() -> AddressProtocolNames {
        let file = files.lazy.compactMap { try? ProcFile.read($0) }.first
        if let override = getenv("SWARMLB_IPROUTE2_PROTO").map({ String(cString: $0) }), !override.isEmpty {
            return AddressProtocolNames(shown: override == "1", file: file)
        }
        if let status = try? ProcFile.read("/var/lib/dpkg/status"), let version = installedVersion(of: "iproute2", dpkgStatus: status) {
            return AddressProtocolNames(shown: printsProtocol(version: version), file: file)
        }
        return AddressProtocolNames(shown: file != nil || access("/usr/share/iproute2", F_OK) == 0, file: file)
    }
}

extension ZeroQueueLength {
    /// Whether the installed `ip` prints `qlen 0`: dpkg's record of iproute2, else not.
    public static func printedByInstalledIP() -> Bool {
        guard let status = try? ProcFile.read("/var/lib/dpkg/status"),
            let version = AddressProtocolNames.installedVersion(of: "iproute2", dpkgStatus: status)
        else { return false }
        return printed(byVersion: version)
    }
}
