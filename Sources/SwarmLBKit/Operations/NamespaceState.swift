/// What a namespace holds, as the planners read it: its IPVS services and real servers, IPv4
/// addresses, links, firewall tables and sysctls, and the overlay plane's devices, neighbour and FDB entries. `Reconciler` and `StatePlanner` plan from one of
/// these and change nothing, so a plan is a function of this state and the request: the kernel's
/// (`KernelNamespaceState`, read once per kind) or an in-memory one that tests build.
/// Mirrors what `ipvsadm -Ln`, `ip -4 addr`, `ip link`, `ip neigh`, `bridge fdb`, `iptables -S` and `sysctl` show.
public protocol NamespaceState: AnyObject {
    /// Every IPv4 fwmark service (settings, no real servers). `ipvsadm -Ln` without the reals.
    func fwmarkServices() throws(KernelError) -> [FirewallMark: IPVSService]

    /// The IPv4 fwmark service of this mark as `apply` compares it with what it wants: settled when
    /// it has this scheduler and exactly these reals (Masq, port 0), else read with every setting.
    func fwmarkService(
        _ mark: FirewallMark, unlessSettledAs scheduler: IPVSScheduler, reals wanted: [IPv4Address: Int32]
    ) throws(KernelError) -> FwmarkServiceState

    /// The real servers of the fwmark service of this mark (none when there is no service), thresholds
    /// included. `ipvsadm -Ln -f MARK`.
    func reals(of mark: FirewallMark) throws(KernelError) -> [RealServer]

    /// One service with its real servers, or nil when there is none. `ipvsadm -Ln -t|-u|-f ...`.
    func entry(_ key: IPVSService.Key) throws(KernelError) -> IPVSSnapshot.Entry?

    /// Every IPv4 address, in kernel order. `ip -4 addr`.
    func orderedAddresses() throws(KernelError) -> [InterfaceAddress]

    /// The same, as a set.
    func addresses() throws(KernelError) -> Set<InterfaceAddress>

    /// A firewall table of the backend changes go to. `iptables -t TABLE -S`.
    func dump(_ table: FirewallTable) throws(KernelError) -> IPTablesDump

    /// The classic tool of the backend changes go to (`iptables-nft`, `iptables-legacy`), as plans spell rules.
    func iptables() throws(KernelError) -> String

    /// Throws when the namespace has no link of this name (an unknown device is an error, not "absent").
    func requireDevice(_ name: String) throws(KernelError)

    /// Whether the link is up. `ip link show NAME`.
    func isUp(_ link: String) throws(KernelError) -> Bool

    /// A sysctl's value. `sysctl -n NAME`.
    func sysctl(_ s: Sysctl) throws(KernelError) -> String

    /// A device's state (kind, VXLAN id, master, up), or nil when there is none. `ip -d link show NAME`.
    func link(_ name: String) throws(KernelError) -> LinkState?

    /// A device's IPv4 neighbour entries; none for a device this plan creates. `ip neigh show dev DEV`.
    func neighbours(_ device: String) throws(KernelError) -> [PeerNeighbour]

    /// A device's own (`self`) FDB entries; none for a device this plan creates. `bridge fdb show dev DEV`.
    func forwardingEntries(_ device: String) throws(KernelError) -> [PeerForwarding]

    /// Another namespace's state as this plan reads it (the container end of a veth pair): the same
    /// object each time the plan asks for that namespace, so what it records there is kept.
    func elsewhere(_ namespace: NetNamespace) throws(KernelError) -> any NamespaceState

    /// The devices an earlier step of this plan creates: later steps on them find them empty and down.
    var plannedLinks: Set<String> { get }

    /// Records that an earlier step of this plan creates this device.
    func plan(link name: String)
}

/// The IPv4 fwmark service of a mark, as `apply` compares it with what it wants.
public enum FwmarkServiceState: Equatable, Sendable {
    /// No IPv4 fwmark service of this mark.
    case absent
    /// Listed with the wanted scheduler and exactly the wanted reals: nothing to change.
    case settled
    /// Read with every setting, so that a change or its undo keeps the others.
    case present(IPVSService)
}

extension NamespaceState {
    /// The real server at this address and port in the service, or nil (also when there is no service).
    func real(_ key: IPVSService.Key, _ address: IPAddress, port: UInt16) throws(KernelError) -> RealServer? {
        try entry(key)?.reals.first { $0.address == address && $0.port == port }
    }

    /// The VIP mark rules of mangle (any chain), in table order.
    func vipMarks() throws(KernelError) -> [MarkRule] {
        MarkRule.all(in: try dump(.mangle)).filter { if case .vip = $0.selector { return true } else { return false } }
    }
}
