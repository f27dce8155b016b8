/// An upstream server of the embedded resolver as `dns serve --upstream` names it: `IP[:PORT]`
/// (`[IPv6]:PORT`), asked from the served namespace as Docker's `--dns`, or the same after `host:`,
/// asked from the namespace swarmlb started in (Docker 28+ asks the host's resolvers from the host).
public struct DNSUpstream: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    /// True for `host:`: asked from the starting namespace, not the served one.
    public var fromStartingNamespace: Bool

    public init(address: IPAddress, port: UInt16 = 53, fromStartingNamespace: Bool = false) {
        self.address = address
        self.port = port
        self.fromStartingNamespace = fromStartingNamespace
    }

    /// `IP`, `IP:PORT`, `[IPv6]` or `[IPv6]:PORT` (a bare IPv6 address takes port 53), each optionally after `host:`.
    public init(parsing text: String) throws(ValidationError) {
        let invalid = ValidationError(text, "upstream ([host:]IP[:PORT])")
        fromStartingNamespace = text.hasPrefix("host:")
        let spec = fromStartingNamespace ? text.dropFirst(5) : Substring(text)
        var host = spec, portText: Substring?
        if spec.hasPrefix("["), let close = spec.firstIndex(of: "]") {
            host = spec[spec.index(after: spec.startIndex)..<close]
            let rest = spec[spec.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { throw invalid }
            portText = rest.isEmpty ? nil : rest.dropFirst()
        } else if spec.filter({ $0 == ":" }).count == 1, let colon = spec.firstIndex(of: ":") {
            host = spec[..<colon]
            portText = spec[spec.index(after: colon)...]
        }
        if let portText {
            guard portText.allSatisfy({ ("0"..."9").contains($0) }), let p = UInt16(portText), p > 0 else { throw invalid }
            port = p
        } else {
            port = 53
        }
        if let v4 = try? IPv4Address(parsing: String(host)) {
            address = .v4(v4)
        } else if let v6 = try? IPv6Address(parsing: String(host)) {
            address = .v6(v6)
        } else {
            throw invalid
        }
    }

    /// As `--upstream` takes it again: `10.0.0.1:53`, `host:[::1]:5353`.
    public var description: String { (fromStartingNamespace ? "host:" : "") + address.endpoint(port) }
}
