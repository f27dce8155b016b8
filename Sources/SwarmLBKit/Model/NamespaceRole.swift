/// What a namespace is on a Docker node, judged from what it holds (`inspect --all` heads each
/// namespace with it; JSON `role`). Docker today balances in one `lb_<network id>` namespace per
/// overlay network and in `ingress_sbox`; containers hold only the resolver's rules; `1-<id>` holds
/// the overlay's bridge and vxlan device.
public enum NamespaceRole: String, Sendable, Encodable {
    /// IPVS fwmark services or VIP mark rules: `lb_<id>`, or a container of the per-container (OUTPUT) model of Docker 1.12-17.x.
    case loadBalancer = "load_balancer"
    /// Port marks in mangle PREROUTING (the routing mesh's `ingress_sbox`).
    case ingress
    /// The embedded resolver's NAT rules and no load balancing: a task or plain container.
    case container
    /// A vxlan device (the overlay's `1-<id>`) and no load-balancing or resolver rules.
    case overlay
    case other

    /// The role of a namespace holding these marks, fwmark services, resolver rules and devices.
    public static func of(
        marks: [MarkRule], fwmarkServices: Int, resolverRules: Bool, publishes: Bool, deviceKinds: some Collection<String>
    ) -> NamespaceRole {
        if marks.contains(where: { if case .port = $0.selector { $0.chain == "PREROUTING" } else { false } }) { return .ingress }
        if !marks.isEmpty || fwmarkServices > 0 { return .loadBalancer }
        if resolverRules { return .container }
        if !publishes, deviceKinds.contains("vxlan") { return .overlay }
        return .other
    }
}
