/// One thing a command asks of a namespace, before it is compared with what is there.
/// `StatePlanner` turns each into decisions from a `NamespaceState`, as `apply` plans a whole
/// file: settings a command was not given stay as they are, a delete keeps what another service still
/// uses, and a removal whose object is given wrongly removes nothing.
public enum ChangeRequest: Hashable, Sendable {
    /// Exactly this change, made only if needed (a removal of what is not there is "absent").
    case change(KernelChange)
    /// `fwm add`: the fwmark service exists with the given scheduler and persistence; one left out
    /// stays as it is (a new service: rr, not persistent). `ipvsadm -A`, or `-E` for an existing one.
    case service(IPVSService.Key, scheduler: IPVSScheduler?, persistence: UInt32?)
    /// `real add` (`mustExist` false) and `real set` (true): the real server has the given settings;
    /// the others stay as they are (a new one: Masq, weight 1). `ipvsadm -a`, or `-e` for an existing one.
    case real(IPVSService.Key, IPv4Address, port: UInt16, RealServerSettings, mustExist: Bool)
    /// `vip del`: the VIP's mark rules in `chain` (only `mark`'s when given) and its /32 (only on
    /// `device` when given). Nothing is removed when the VIP is on another device or marked otherwise.
    case removeVIP(IPv4Address, device: String?, mark: FirewallMark?, chain: String)
    /// `service del`: the VIP's /32, unless a mark rule other than `except` still sends packets to it.
    case removeVIPAddress(InterfaceAddress, except: MarkRule)
    /// `apply`: the namespace holds what the intent says for its services, removing what they own
    /// and no longer name (with `prune`, also what apply owns and the intent does not name). `Reconciler`.
    case reconcile(LoadBalancerIntent, prune: Bool)
    /// `apply --overlay`: the overlay namespace holds the peer entries of the set; with `prune`, the
    /// entries it owns for an address no peer of the set holds are removed, FDB entry first.
    case overlayPeers(NetNamespace, OverlayPeerSet, prune: Bool)
    /// `service add`: the intent's services exist as it says, planned by `apply`'s reconciler in
    /// its order, adding and updating only.
    case balance(LoadBalancerIntent)
    /// `ingress balance`: the service's recipe (as `balance`), then the port's mark once its FWM
    /// service exists, then ip_forward.
    case balanceIngress(IngressBalance)
    /// `ingress unbalance`: the port mark, and what no other port still uses (`IngressBalance.deleteRequests`).
    case unbalanceIngress(IngressBalance)
    /// `ingress publish`: the host's DNAT and ACCEPT rules of a port, the shared chains when missing.
    case publish(IngressPublication)
    /// `ingress unpublish`: the port's rules; the shared chains too when it is the last port.
    case unpublish(IngressPublication)
    /// `ingress redirect`: a task's REDIRECT and filter rules, placed before the address's DROPs.
    case redirect(TaskRedirect)
    /// `ingress unredirect`: the port's rules; the address's DROPs too when it is the last port.
    case unredirect(TaskRedirect)
}
