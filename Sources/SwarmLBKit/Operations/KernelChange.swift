/// One change to a namespace's kernel state, spelled as the classic command that makes it.
/// Plans are lists of these; `--dry-run` prints them, `Transaction` applies and rolls them back.
public enum KernelChange: Hashable, Sendable {
    case addAddress(InterfaceAddress)
    case deleteAddress(InterfaceAddress)
    case setLink(String, up: Bool)
    case appendRule(FirewallTable, chain: String, IPTablesRule)
    case insertRule(FirewallTable, chain: String, index: Int, IPTablesRule)
    case deleteRule(FirewallTable, chain: String, IPTablesRule)
    case createChain(FirewallTable, String)
    case deleteChain(FirewallTable, String)
    case addService(IPVSService)
    case updateService(IPVSService)
    case deleteService(IPVSService.Key)
    case addReal(IPVSService.Key, RealServer)
    case updateReal(IPVSService.Key, RealServer)
    case deleteReal(IPVSService.Key, RealServer)
    case setSysctl(Sysctl, String)

    /// The equivalent classic command, e.g. `ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1`;
    /// rule changes name `iptables`, the tool of the backend they go to (`iptables-nft`, ...).
    public func command(iptables: String) -> String {
        switch self {
        case .addAddress(let a): return "ip addr add \(a.address)/\(a.prefixLength) dev \(a.device)"
        case .deleteAddress(let a): return "ip addr del \(a.address)/\(a.prefixLength) dev \(a.device)"
        case let .setLink(name, up): return "ip link set \(name) \(up ? "up" : "down")"
        case let .appendRule(t, chain, r): return "\(iptables) -t \(t.rawValue) -A \(chain) \(r.specification)"
        case let .insertRule(t, chain, i, r): return "\(iptables) -t \(t.rawValue) -I \(chain) \(i + 1) \(r.specification)"
        case let .deleteRule(t, chain, r): return "\(iptables) -t \(t.rawValue) -D \(chain) \(r.specification)"
        case let .createChain(t, chain): return "\(iptables) -t \(t.rawValue) -N \(chain)"
        case let .deleteChain(t, chain): return "\(iptables) -t \(t.rawValue) -F \(chain) && \(iptables) -t \(t.rawValue) -X \(chain)"
        case .addService(let s): return s.ipvsadmCommand("-A")
        case .updateService(let s): return s.ipvsadmCommand("-E")
        case .deleteService(let k): return "ipvsadm -D \(k.ipvsadmOption)"
        case let .addReal(k, r): return "ipvsadm -a \(r.ipvsadmOptions(k))"
        case let .updateReal(k, r): return "ipvsadm -e \(r.ipvsadmOptions(k))"
        case let .deleteReal(k, r): return "ipvsadm -d \(k.ipvsadmOption) -r \(r.endpoint)"
        case let .setSysctl(s, v): return "sysctl -w \(s.name)=\(v)"
        }
    }

    /// An edit of something that must exist (`ipvsadm -E`, `-e`): its absence is "nothing to change", not "nothing to delete".
    public var isEdit: Bool {
        switch self {
        case .updateService, .updateReal: return true
        default: return false
        }
    }

    /// The table and edit of a rule or chain change; nil for every other change.
    public var firewallEdit: (table: FirewallTable, edit: FirewallEdit)? {
        switch self {
        case let .appendRule(t, chain, r): return (t, .append(chain: chain, r))
        case let .insertRule(t, chain, i, r): return (t, .insert(chain: chain, index: i, r))
        case let .deleteRule(t, chain, r): return (t, .delete(chain: chain, r))
        case let .createChain(t, chain): return (t, .createChain(chain))
        case let .deleteChain(t, chain): return (t, .deleteChain(chain))
        default: return nil
        }
    }
}
