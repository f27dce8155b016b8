/// The namespace's state as planning sees it, each part read from the kernel once, when first
/// needed, and never again during one plan: the IPVS services with their real servers (the whole
/// table at once for `apply`, one service at a time for a one-object command), the IPv4 addresses,
/// the firewall tables of the backend in use, links and the IPVS sysctls. `apply` (`Reconciler`)
/// and every add/del command (`StatePlanner`) plan against one of these.
final class NamespaceSnapshot {
    let kernel: Kernel
    private var wholeIPVS: [IPVSService.Key: IPVSSnapshot.Entry]?
    private var entries: [IPVSService.Key: IPVSSnapshot.Entry?] = [:]
    private var addressSet: Set<InterfaceAddress>?
    private var tables: [FirewallTable: IPTablesDump] = [:]
    private var linksUp: [String: Bool] = [:]
    private var sysctlValues: [Sysctl: String] = [:]

    init(_ kernel: Kernel) { self.kernel = kernel }

    /// Every IPv4 fwmark service with its real servers, read in one pass over the IPVS table.
    func fwmarkServices() throws(KernelError) -> [FirewallMark: IPVSSnapshot.Entry] {
        var byMark: [FirewallMark: IPVSSnapshot.Entry] = [:]
        for (key, entry) in try allServices() { if let mark = key.fwmark { byMark[mark] = entry } }
        return byMark
    }

    private func allServices() throws(KernelError) -> [IPVSService.Key: IPVSSnapshot.Entry] {
        if let wholeIPVS { return wholeIPVS }
        var all: [IPVSService.Key: IPVSSnapshot.Entry] = [:]
        for e in try kernel.ipvs().snapshot().entries { all[e.service.key] = e }
        wholeIPVS = all
        return all
    }

    /// One service with its real servers, or nil when there is none.
    func entry(_ key: IPVSService.Key) throws(KernelError) -> IPVSSnapshot.Entry? {
        if let wholeIPVS { return wholeIPVS[key] }
        if let known = entries[key] { return known }
        let ipvs = try kernel.ipvs()
        let found = try ipvs.service(key).map { s throws(KernelError) in IPVSSnapshot.Entry(service: s, reals: try ipvs.reals(of: key)) }
        entries[key] = .some(found)
        return found
    }

    /// The real server at this address and port in the service, or nil (also when there is no service).
    func real(_ key: IPVSService.Key, _ address: IPAddress, port: UInt16) throws(KernelError) -> RealServer? {
        try entry(key)?.reals.first { $0.address == address && $0.port == port }
    }

    func addresses() throws(KernelError) -> Set<InterfaceAddress> {
        if let addressSet { return addressSet }
        let set = Set(try kernel.addresses().addresses())
        addressSet = set
        return set
    }

    /// A firewall table of the backend in use.
    func dump(_ table: FirewallTable) throws(KernelError) -> IPTablesDump {
        if let t = tables[table] { return t }
        let t = try kernel.firewallForWriting().dump(table)
        tables[table] = t
        return t
    }

    /// The VIP mark rules of mangle (any chain), in table order.
    func vipMarks() throws(KernelError) -> [MarkRule] {
        MarkRule.all(in: try dump(.mangle)).filter { if case .vip = $0.selector { return true } else { return false } }
    }

    func isUp(_ link: String) throws(KernelError) -> Bool {
        if let up = linksUp[link] { return up }
        let up = try kernel.links().isUp(link)
        linksUp[link] = up
        return up
    }

    func sysctl(_ s: Sysctl) throws(KernelError) -> String {
        if let v = sysctlValues[s] { return v }
        let v = try s.read()
        sysctlValues[s] = v
        return v
    }
}
