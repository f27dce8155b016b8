@testable import SwarmLBKit

/// The firewall seam's stub, as moby's firewaller stub and knftables' Fake: tables held in memory,
/// read as `iptables -S` lists them, changed by the same edits a commit sends to the kernel.
final class FakeFirewall: FirewallBackend {
    let kind: FirewallBackendKind
    var tables: [FirewallTable: IPTablesDump] = [:]

    init(_ kind: FirewallBackendKind = .nft) { self.kind = kind }

    /// The table as held, or as iptables lists one that does not exist.
    func table(_ table: FirewallTable) -> IPTablesDump { tables[table] ?? IPTablesDump(absent: table) }

    func read(
        _ table: FirewallTable, forListing: Bool, chains: ([IPTablesDump.Chain]) throws(KernelError) -> Void,
        rule: (_ chain: Int, _ rule: IPTablesRule) throws(KernelError) -> Void
    ) throws(KernelError) {
        let d = self.table(table)
        try chains(d.chains.map { IPTablesDump.Chain(name: $0.name, policy: $0.policy, packets: $0.packets, bytes: $0.bytes, rules: []) })
        for (i, c) in d.chains.enumerated() {
            for r in c.rules { try rule(i, r) }
        }
    }

    func existingTables() -> [FirewallTable] { FirewallTable.allCases.filter { tables[$0] != nil } }

    func takeWriteLock() {}

    func releaseWriteLock() {}

    /// Each edit as the kernel backends judge it: an append or insert of a rule the chain holds,
    /// a delete of one it does not, and a chain created twice or deleted when absent change nothing.
    func commit(_ table: FirewallTable, _ edits: [FirewallEdit]) {
        var t = self.table(table)
        func index(_ chain: String) -> Int {
            if let i = t.chains.firstIndex(where: { $0.name == chain }) { return i }
            t.chains.append(IPTablesDump.Chain(name: chain, policy: nil, packets: 0, bytes: 0, rules: []))
            return t.chains.count - 1
        }
        for edit in edits {
            switch edit {
            case let .append(chain, rule):
                let i = index(chain)
                if !t.chains[i].rules.contains(rule) { t.chains[i].rules.append(rule) }
            case let .insert(chain, at, rule):
                let i = index(chain)
                if !t.chains[i].rules.contains(rule) { t.chains[i].rules.insert(rule, at: min(at, t.chains[i].rules.count)) }
            case let .delete(chain, rule):
                guard let i = t.chains.firstIndex(where: { $0.name == chain }), let r = t.chains[i].rules.firstIndex(of: rule) else {
                    continue
                }
                t.chains[i].rules.remove(at: r)
            case .createChain(let chain): _ = index(chain)
            case .deleteChain(let chain): t.chains.removeAll { $0.name == chain && $0.policy == nil }
            }
        }
        tables[table] = t
    }
}

/// A namespace held in memory, as the planners read one (`NamespaceState`): what tests build and
/// plan from without root, and what a plan's changes turn into the namespace after it.
final class FakeNamespace: NamespaceState {
    /// IPVS services with their reals, in the order `ipvsadm -Ln` lists them.
    var services: [IPVSSnapshot.Entry] = []
    var addressList: [InterfaceAddress] = []
    /// Links by name, up or down.
    var links: [String: Bool] = ["lo": false, "eth0": true]
    /// Sysctl values, the kernel's defaults at first.
    var sysctls: [Sysctl: String] = [
        .ipvsConntrack: "0", .ipvsConnReuseMode: "1", .ipvsExpireNodestConn: "0", .ipvsExpireQuiescentTemplate: "0", .ipForward: "0",
    ]
    /// Overlay devices (bridge, VXLAN, veth) by name, as `ip -d link` shows them; each is in `links` too.
    var devices: [String: LinkState] = [:]
    var neighbourEntries: [PeerNeighbour] = []
    var fdbEntries: [PeerForwarding] = []
    /// The other namespaces a plan reads or changes, by namespace file; made empty when first named.
    var others: [String: FakeNamespace] = [:]
    private(set) var plannedLinks: Set<String> = []
    let firewall: FakeFirewall

    init(_ firewall: FakeFirewall = FakeFirewall()) { self.firewall = firewall }

    func fwmarkServices() -> [FirewallMark: IPVSService] {
        Dictionary(services.compactMap { e in e.service.key.fwmark.map { ($0, e.service) } }, uniquingKeysWith: { first, _ in first })
    }

    func fwmarkService(
        _ mark: FirewallMark, unlessSettledAs scheduler: IPVSScheduler, reals wanted: [IPv4Address: Int32]
    ) -> FwmarkServiceState {
        guard let e = entry(.fwmark(mark)) else { return .absent }
        let exact =
            !wanted.isEmpty && e.service.scheduler == scheduler && e.reals.count == wanted.count
            && e.reals.allSatisfy { r in r.port == 0 && r.forwarding == .masq && r.address.ipv4.map { wanted[$0] == r.weight } == true }
        return exact ? .settled : .present(e.service)
    }

    func reals(of mark: FirewallMark) -> [RealServer] {
        entry(.fwmark(mark))?.reals ?? []
    }

    func entry(_ key: IPVSService.Key) -> IPVSSnapshot.Entry? { services.first { $0.service.key == key } }
    func orderedAddresses() -> [InterfaceAddress] { addressList }
    func addresses() -> Set<InterfaceAddress> { Set(addressList) }
    func dump(_ table: FirewallTable) -> IPTablesDump { firewall.table(table) }
    func iptables() -> String { firewall.kind.tool }

    func requireDevice(_ name: String) throws(KernelError) {
        if links[name] == nil { throw .noSuchDevice(name) }
    }

    func isUp(_ link: String) throws(KernelError) -> Bool {
        if plannedLinks.contains(link) { return false }
        guard let up = links[link] else { throw .noSuchDevice(link) }
        return up
    }

    func link(_ name: String) -> LinkState? {
        devices[name] ?? links[name].map { LinkState(kind: "", mtu: 1500, master: nil, up: $0, vni: nil) }
    }

    func neighbours(_ device: String) -> [PeerNeighbour] { neighbourEntries.filter { $0.device == device } }

    func forwardingEntries(_ device: String) -> [PeerForwarding] { fdbEntries.filter { $0.device == device } }

    func elsewhere(_ namespace: NetNamespace) -> any NamespaceState { other(namespace.path) }

    func plan(link name: String) { plannedLinks.insert(name) }

    /// The namespace of this file, made empty the first time it is named.
    func other(_ path: String) -> FakeNamespace {
        if let known = others[path] { return known }
        let ns = FakeNamespace()
        ns.links = ["lo": false]
        others[path] = ns
        return ns
    }

    func sysctl(_ s: Sysctl) -> String { sysctls[s] ?? "0" }  // e.g. route_localnet of a device

    /// Everything the namespace holds, one line per object, for comparing two states.
    var listing: [String] {
        let ipvs = services.flatMap { e in
            ["\(e.service.ipvsadmCommand("-A"))"] + e.reals.map { KernelChange.addReal(e.service.key, $0).command(iptables: "") }.sorted()
        }
        let rules = FirewallTable.allCases.flatMap { t in
            dump(t).chains.flatMap { c in ["\(t.rawValue) -N \(c.name)"] + c.rules.map { "\(t.rawValue) -A \(c.name) \($0.specification)" }
            }
        }
        // Sorted: an address deleted and added again comes last, in the kernel too.
        return addressList.map(\.description).sorted() + ipvs.sorted() + rules
            + links.sorted { $0.key < $1.key }.map { "\($0.key) up=\($0.value)" }
            + sysctls.sorted { $0.key.name < $1.key.name }.map { "\($0.key.name)=\($0.value)" }
            + devices.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.kind) master=\($0.value.master ?? "-")" }
            + neighbourEntries.map { KernelChange.addNeighbour($0, replace: false).command(iptables: "") }
            + fdbEntries.map { KernelChange.addForwardingEntry($0, replace: false).command(iptables: "") }
    }

    /// The namespace after the change, as the kernel makes it. The plan is over once its changes are
    /// made: the devices it recorded as planned are real now (or not), here and in the other namespaces.
    func make(_ change: KernelChange) {
        plannedLinks = []
        for ns in others.values { ns.plannedLinks = [] }
        func at(_ key: IPVSService.Key) -> Int? { services.firstIndex { $0.service.key == key } }
        switch change {
        case .addAddress(let a): if !addressList.contains(a) { addressList.append(a) }
        case .deleteAddress(let a): addressList.removeAll { $0 == a }
        case let .setLink(name, up):
            links[name] = up
            devices[name]?.up = up
        case .appendRule, .insertRule, .deleteRule, .createChain, .deleteChain:
            let (table, edit) = change.firewallEdit!
            firewall.commit(table, [edit])
        case .addService(let s): if at(s.key) == nil { services.append(IPVSSnapshot.Entry(service: s, reals: [])) }
        case .updateService(let s): if let i = at(s.key) { services[i].service = s }
        case .deleteService(let key): services.removeAll { $0.service.key == key }
        case let .addReal(key, r): if let i = at(key) { services[i].reals.append(r) }
        case let .updateReal(key, r):
            if let i = at(key), let j = services[i].reals.firstIndex(where: { $0.address == r.address && $0.port == r.port }) {
                services[i].reals[j] = r
            }
        case let .deleteReal(key, r):
            if let i = at(key) { services[i].reals.removeAll { $0.address == r.address && $0.port == r.port } }
        case let .setSysctl(s, v): sysctls[s] = v
        case .addLink(let l):
            var vni: UInt32?
            if case .vxlan(let v) = l.kind { vni = v.vni }
            devices[l.name] = LinkState(kind: l.kind.name, mtu: l.mtu ?? 1500, master: nil, up: false, vni: vni)
            links[l.name] = false
            if case .veth(let peer) = l.kind {
                let other = other(peer.namespace)
                other.devices[peer.name] = LinkState(kind: "veth", mtu: peer.mtu ?? 1500, master: nil, up: false, vni: nil)
                other.links[peer.name] = false
            }
        case .deleteLink(let name):
            devices[name] = nil
            links[name] = nil
            addressList.removeAll { $0.device == name }
            neighbourEntries.removeAll { $0.device == name }
            fdbEntries.removeAll { $0.device == name }
        case let .setMaster(name, master): devices[name]?.master = master
        case .addNeighbour(let n, _):
            neighbourEntries.removeAll { $0.device == n.device && $0.address == n.address }
            neighbourEntries.append(n)
        case .deleteNeighbour(let n): neighbourEntries.removeAll { $0.device == n.device && $0.address == n.address }
        case let .addForwardingEntry(f, replace):
            if replace { fdbEntries.removeAll { $0.device == f.device && $0.mac == f.mac } }
            if !fdbEntries.contains(f) { fdbEntries.append(f) }
        case .deleteForwardingEntry(let f):
            fdbEntries.removeAll { $0.device == f.device && $0.mac == f.mac && $0.destination == f.destination }
        case let .elsewhere(ns, c): other(ns.path).make(c)
        }
    }
}
