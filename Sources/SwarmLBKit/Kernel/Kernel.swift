import CLinux
import Glibc

/// The kernel interfaces of the namespace swarmlb runs in, opened on first use.
/// Create it after `NetNamespace.enter()`: every socket it opens belongs to the namespace it was made in.
public final class Kernel {
    private var ipvsTable: IPVSTable?
    private var addressTable: AddressTable?
    private var linkTable: LinkTable?
    private var routeTable: RouteTable?
    private var neighbourTable: NeighbourTable?
    /// Other namespaces' interfaces (the overlay commands work in two or three), by namespace file.
    private var others: [String: Kernel] = [:]
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

    /// A kernel whose firewall is this backend, chosen, with no selection made: how unit tests run
    /// transactions against the firewall seam's stub without root.
    convenience init(firewallBackend: FirewallBackend) {
        self.init(firewall: .auto)
        selection = FirewallSelection(backend: firewallBackend, reason: .chosen, conflict: false)
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

    /// The address, link and neighbour interfaces of another namespace, opened once: the thread
    /// enters it, opens their sockets (which stay there) and comes back. Its firewall is not opened.
    public func kernel(in namespace: NetNamespace) throws(KernelError) -> Kernel {
        if let k = others[namespace.path] { return k }
        let here = "/proc/thread-self/ns/net"
        let back = try syscall("open", here) { open(here, O_RDONLY | O_CLOEXEC) }
        defer { close(back) }
        let k = Kernel(firewall: firewallChoice, lockWait: lockWait, notice: notice)
        try namespace.enter()
        let opened = Result { () throws(KernelError) in
            _ = try k.links()
            _ = try k.addresses()
            _ = try k.neighbours()
        }
        try syscall("setns", here) { swlb_setns_net(back) }
        try opened.get()
        others[namespace.path] = k
        return k
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
