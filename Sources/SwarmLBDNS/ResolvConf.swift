import Foundation
import NIOCore

/// The nameservers of a resolv.conf (`nameserver 1.2.3.4` lines), as port-53 socket addresses.
public enum ResolvConf {
    public static func nameservers(path: String = "/etc/resolv.conf") -> [SocketAddress] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count >= 2, f[0] == "nameserver" else { return nil }
            return try? SocketAddress(ipAddress: String(f[1]), port: 53)
        }
    }
}

extension SocketAddress {
    /// `10.0.0.1:53` or `[fd00::1]:53`, as operators write a server (NIO's description adds more).
    public var endpoint: String {
        let ip = ipAddress ?? "?"
        return `protocol` == .inet6 ? "[\(ip)]:\(port ?? 0)" : "\(ip):\(port ?? 0)"
    }
}
