/// A layer-4 protocol and port as iptables and ipvsadm name them, e.g. `tcp/8080`.
public struct TransportPort: Hashable, Sendable, CustomStringConvertible {
    public enum Proto: String, Sendable, CaseIterable {
        case tcp, udp, sctp
        /// The IP protocol number (IPPROTO_*).
        public var number: UInt16 {
            switch self {
            case .tcp: 6;
            case .udp: 17;
            case .sctp: 132
            }
        }
        public init?(number: UInt16) {
            guard let p = Self.allCases.first(where: { $0.number == number }) else { return nil }
            self = p
        }
    }

    public let proto: Proto
    public let port: UInt16

    public init(_ proto: Proto, _ port: UInt16) {
        self.proto = proto
        self.port = port
    }

    /// Parses `tcp/8080` (protocol required, port 1-65535).
    public init(parsing text: String, allowing: [Proto] = Proto.allCases) throws(ValidationError) {
        let parts = text.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let p = Proto(rawValue: String(parts[0])), allowing.contains(p) else {
            throw ValidationError(text, "port (want \(allowing.map(\.rawValue).joined(separator: "|"))/PORT)")
        }
        guard let n = UInt16(parts[1]), n > 0 else { throw ValidationError(text, "port number (1-65535)") }
        self.init(p, n)
    }

    public var description: String { "\(proto.rawValue)/\(port)" }
}

/// Parses a port number 0-65535 (0 means "same as the service", as for fwmark real servers).
func parsePort(_ text: Substring, in whole: String) throws(ValidationError) -> UInt16 {
    guard !text.isEmpty, text.allSatisfy(\.isNumber), let n = UInt16(text) else {
        throw ValidationError(whole, "port (0-65535)")
    }
    return n
}
