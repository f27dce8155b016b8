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
    case addLink(LinkDefinition)
    case deleteLink(String)
    /// Enslaves the device to the bridge, or frees it (nil).
    case setMaster(String, master: String?)
    /// Adds a permanent neighbour entry, or (`replace`) puts it in place of the one for its address.
    case addNeighbour(PeerNeighbour, replace: Bool)
    case deleteNeighbour(PeerNeighbour)
    /// Adds a permanent `self` FDB entry, or (`replace`) puts it in place of the one for its MAC.
    case addForwardingEntry(PeerForwarding, replace: Bool)
    case deleteForwardingEntry(PeerForwarding)
    /// A change made in another namespace than the command's (a container's end of a veth pair).
    indirect case elsewhere(NetNamespace, KernelChange)

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
        case .addLink(let l): return l.command
        case .deleteLink(let name): return "ip link del \(name)"
        case let .setMaster(name, master): return "ip link set \(name) " + (master.map { "master \($0)" } ?? "nomaster")
        case let .addNeighbour(n, replace):
            return "ip neigh \(replace ? "replace" : "add") \(n.address) lladdr \(n.mac) dev \(n.device) nud permanent"
        case .deleteNeighbour(let n): return "ip neigh del \(n.address) dev \(n.device)"
        case let .addForwardingEntry(f, replace):
            return "bridge fdb \(replace ? "replace" : "add") \(f.mac) dev \(f.device) dst \(f.destination) self permanent"
        case .deleteForwardingEntry(let f): return "bridge fdb del \(f.mac) dev \(f.device) dst \(f.destination) self"
        case let .elsewhere(ns, c): return "nsenter --net=\(ns.path) \(c.command(iptables: iptables))"
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
