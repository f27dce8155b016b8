/// The kernel interfaces of the namespace swarmlb runs in, opened on first use.
/// Create it after `NetNamespace.enter()`: every socket it opens belongs to the namespace it was made in.
public final class Kernel {
    private var ipvsTable: IPVSTable?
    private var addressTable: AddressTable?
    private var linkTable: LinkTable?
    private var routeTable: RouteTable?
    private var neighbourTable: NeighbourTable?
    private var selection: FirewallSelection?
    private let firewallChoice: FirewallSelection.Choice
    private let lockWait: Double?
    private let notice: (String) -> Void

    /// `firewall`: the iptables backend (`--backend`); `lockWait`: seconds to wait for the xtables
    /// lock (nil: forever); `notice`: where a long wait is told.
    public init(firewall: FirewallSelection.Choice = .auto, lockWait: Double? = nil, notice: @escaping (String) -> Void = { _ in }) {
        firewallChoice = firewall
        self.lockWait = lockWait
        self.notice = notice
    }

    public func ipvs() throws(KernelError) -> IPVSTable {
        if let t = ipvsTable { return t }
        let t = try IPVSTable()
        ipvsTable = t
        return t
    }

    public func addresses() throws(KernelError) -> AddressTable {
        if let t = addressTable { return t }
        let t = try AddressTable()
        addressTable = t
        return t
    }

    public func links() throws(KernelError) -> LinkTable {
        if let t = linkTable { return t }
        let t = try LinkTable()
        linkTable = t
        return t
    }

    public func routes() throws(KernelError) -> RouteTable {
        if let t = routeTable { return t }
        let t = try RouteTable()
        routeTable = t
        return t
    }

    public func neighbours() throws(KernelError) -> NeighbourTable {
        if let t = neighbourTable { return t }
        let t = try NeighbourTable()
        neighbourTable = t
        return t
    }

    /// The iptables backend of this namespace and why it was chosen.
    public func firewallSelection() throws(KernelError) -> FirewallSelection {
        if let s = selection { return s }
        let (lockWait, notice) = (self.lockWait, self.notice)
        let s = try FirewallSelection.select(
            firewallChoice, legacy: { LegacyFirewall(lockWait: lockWait, notice: notice) },
            nft: { () throws(KernelError) in try NFTFirewall() })
        selection = s
        return s
    }

    /// The backend to read rules from.
    public func firewall() throws(KernelError) -> FirewallBackend { try firewallSelection().backend }

    /// The backend to change rules in: refused while both hold load-balancing rules and none was chosen.
    public func firewallForWriting() throws(KernelError) -> FirewallBackend {
        let s = try firewallSelection()
        if s.conflict { throw .backendsConflict }
        return s.backend
    }
}
