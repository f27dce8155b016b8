/// One thing an add/del/set command asks of a namespace, before it is compared with what is there.
/// `StatePlanner` turns each into decisions against a `NamespaceSnapshot`, as `apply` plans a whole
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
}
