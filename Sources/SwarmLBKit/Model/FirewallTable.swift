/// An iptables table swarmlb reads and writes (`iptables -t filter|nat|mangle|raw`), whichever
/// backend holds it: the same names and built-in chains in legacy x_tables and in iptables-nft's
/// nf_tables tables (`table ip filter`, ...).
public enum FirewallTable: String, Sendable, Hashable, CaseIterable {
    case filter, nat, mangle, raw

    /// The built-in chains in hook order, as `iptables -S` lists them.
    public var builtinChains: [String] {
        switch self {
        case .raw: return ["PREROUTING", "OUTPUT"]
        case .mangle: return ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
        case .filter: return ["INPUT", "FORWARD", "OUTPUT"]
        case .nat: return ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]
        }
    }

    /// Parses a `-t` argument.
    public init(parsing text: String) throws(ValidationError) {
        guard let t = FirewallTable(rawValue: text) else { throw ValidationError(text, "table (filter, nat, mangle, raw)") }
        self = t
    }
}
