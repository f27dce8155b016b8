/// The namespace's state as the kernel holds it, each part read once, when first needed, and
/// never again during one plan: the IPVS services with their real servers (for `apply`
/// every fwmark service and real in one listing, `IPVSTable.fwmarkListing()`, netlink asked only
/// about services whose scheduler or reals differ, and in one dump of every service to prune; one
/// service at a time for a one-object command), the IPv4 addresses, the firewall
/// tables of the backend in use, links and the IPVS sysctls; for the overlay plane, devices with
/// their neighbour and FDB entries, and the other namespaces a plan changes (`elsewhere`).
/// `Transaction` reads what a plan needs (`read(for:)`) before planning from it.
public final class KernelNamespaceState: NamespaceState {
    private let kernel: Kernel
    private var fwmarkTable: [FirewallMark: IPVSService]?
    private var realListing: IPVSRealListing?
    private var fwmarkStates: [FirewallMark: FwmarkServiceState] = [:]
    private var entries: [IPVSService.Key: IPVSSnapshot.Entry?] = [:]
    private var addressList: [InterfaceAddress]?
    private var addressSet: Set<InterfaceAddress>?
    private var tables: [FirewallTable: IPTablesDump] = [:]
    private var linksUp: [String: Bool] = [:]
    private var sysctlValues: [Sysctl: String] = [:]
    private var linkStates: [String: LinkState?] = [:]
    private var neighbourLists: [String: [PeerNeighbour]] = [:]
    private var forwardingLists: [String: [PeerForwarding]] = [:]
    /// Devices an earlier step of this plan creates: later steps on them need no reading.
    public private(set) var plannedLinks: Set<String> = []
    /// The states of the other namespaces this plan touches, shared by all of them.
    private let others: Others

    private final class Others {
        var states: [String: KernelNamespaceState] = [:]
    }

    public init(_ kernel: Kernel) {
        self.kernel = kernel
        others = Others()
    }

    private init(_ kernel: Kernel, others: Others) {
        self.kernel = kernel
        self.others = others
    }

    public func elsewhere(_ namespace: NetNamespace) throws(KernelError) -> any NamespaceState {
        if let s = others.states[namespace.path] { return s }
        let s = KernelNamespaceState(try kernel.kernel(in: namespace), others: others)
        others.states[namespace.path] = s
        return s
    }

    public func link(_ name: String) throws(KernelError) -> LinkState? {
        if let known = linkStates[name] { return known }
        let state = try kernel.links().state(name)
        linkStates[name] = .some(state)
        return state
    }

    /// Read once per plan: `apply --overlay` plans a peer per task.
    public func neighbours(_ device: String) throws(KernelError) -> [PeerNeighbour] {
        if plannedLinks.contains(device) { return [] }
        if let known = neighbourLists[device] { return known }
        let list = try kernel.neighbours().neighbours(device: device)
        neighbourLists[device] = list
        return list
    }

    public func forwardingEntries(_ device: String) throws(KernelError) -> [PeerForwarding] {
        if plannedLinks.contains(device) { return [] }
        if let known = forwardingLists[device] { return known }
        let list = try kernel.neighbours().forwardingEntries(device: device)
        forwardingLists[device] = list
        return list
    }

    public func plan(link name: String) { plannedLinks.insert(name) }

    /// Every IPv4 fwmark service (settings, no real servers), read in one IPVS dump; none where the kernel has no IPVS.
    public func fwmarkServices() throws(KernelError) -> [FirewallMark: IPVSService] {
        if let fwmarkTable { return fwmarkTable }
        var byMark: [FirewallMark: IPVSService] = [:]
        let services = try PhaseTimings.measure("read: IPVS services (one dump)") { () throws(KernelError) in
            do throws(KernelError) { return try kernel.ipvs().serviceSettings() } catch {
                // A kernel without IPVS holds no service: `apply --prune` of peers alone needs none (as inspect's empty columns).
                guard case .ipvsUnavailable = error else { throw error }
                return []
            }
        }
        for s in services { if let mark = s.key.fwmark { byMark[mark] = s } }
        fwmarkTable = byMark
        return byMark
    }

    /// The IPv4 fwmark service of this mark: settled as the listing of every fwmark service (read once
    /// for all of them) has it, absent when the listing certainly has none, otherwise read exactly
    /// over netlink. `ipvsadm -Ln -f MARK`.
    public func fwmarkService(
        _ mark: FirewallMark, unlessSettledAs scheduler: IPVSScheduler, reals wanted: [IPv4Address: Int32]
    ) throws(KernelError) -> FwmarkServiceState {
        if let known = fwmarkStates[mark] { return known }
        let listing = try fwmarkListing()
        let state: FwmarkServiceState
        if listing.lists(mark, scheduler: scheduler, exactly: wanted) {
            state = .settled
        } else if listing.listsNoService(mark) {
            state = .absent
        } else {
            state = try entry(.fwmark(mark)).map { .present($0.service) } ?? .absent
        }
        fwmarkStates[mark] = state
        return state
    }

    private func fwmarkListing() throws(KernelError) -> IPVSRealListing {
        if let realListing { return realListing }
        let listing = try PhaseTimings.measure("read: IPVS fwmark services and reals (sockopt)") { () throws(KernelError) in
            try kernel.ipvs().fwmarkListing()
        }
        realListing = listing
        return listing
    }

    /// The real servers of the IPv4 fwmark service of this mark: as the listing of every fwmark service
    /// (read once for all of them) has them, thresholds included, so a change or its undo keeps every
    /// setting; over netlink when the listing cannot vouch for them.
    public func reals(of mark: FirewallMark) throws(KernelError) -> [RealServer] {
        if let reals = try fwmarkListing().reals(of: mark) { return reals }
        return try entry(.fwmark(mark))?.reals ?? []
    }

    /// One service with its real servers, or nil when there is none. An IPv4 fwmark service the
    /// one dump of every service has read (to prune) needs only its reals asked for.
    public func entry(_ key: IPVSService.Key) throws(KernelError) -> IPVSSnapshot.Entry? {
        if let known = entries[key] { return known }
        let ipvs = try kernel.ipvs()
        let service: IPVSService?
        if let mark = key.fwmark, let table = fwmarkTable { service = table[mark] } else { service = try ipvs.service(key) }
        let found = try service.map { s throws(KernelError) in IPVSSnapshot.Entry(service: s, reals: try ipvs.reals(of: key)) }
        entries[key] = .some(found)
        return found
    }

    /// Every IPv4 address in the namespace, in kernel order.
    public func orderedAddresses() throws(KernelError) -> [InterfaceAddress] {
        if let addressList { return addressList }
        let list = try PhaseTimings.measure("read: addresses") { () throws(KernelError) in try kernel.addresses().addresses() }
        addressList = list
        return list
    }

    public func addresses() throws(KernelError) -> Set<InterfaceAddress> {
        if let addressSet { return addressSet }
        let set = Set(try orderedAddresses())
        addressSet = set
        return set
    }

    /// A firewall table of the backend in use.
    public func dump(_ table: FirewallTable) throws(KernelError) -> IPTablesDump {
        if let t = tables[table] { return t }
        let t = try PhaseTimings.measure("read: firewall table \(table.rawValue)") { () throws(KernelError) in
            try kernel.firewallForWriting().dump(table)
        }
        tables[table] = t
        return t
    }

    public func iptables() throws(KernelError) -> String { try kernel.firewallForWriting().kind.tool }

    public func requireDevice(_ name: String) throws(KernelError) { _ = try kernel.links().device(name) }

    public func isUp(_ link: String) throws(KernelError) -> Bool {
        if plannedLinks.contains(link) { return false }
        if let up = linksUp[link] { return up }
        let up = try kernel.links().isUp(link)
        linksUp[link] = up
        return up
    }

    public func sysctl(_ s: Sysctl) throws(KernelError) -> String {
        if let v = sysctlValues[s] { return v }
        let v = try s.read()
        sysctlValues[s] = v
        return v
    }
}
