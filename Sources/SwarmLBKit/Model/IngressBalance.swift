/// The ingress sandbox's side of a published port (Docker's `ingress_sbox`): packets to the port are
/// marked in mangle PREROUTING, the service's ingress VIP is a /32 on the overlay device marked in
/// INPUT, IPVS balances the mark over the tasks' ingress addresses (Masq), and the ipvs SNAT rule
/// rewrites their source to the sandbox's own ingress address. Mirrors
/// `iptables -t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x102/0xffffffff`,
/// `ipvsadm -A -f 258 -s rr`, `ipvsadm -a -f 258 -r 10.255.0.4:0 -m -w 1` and the rest.
public struct IngressBalance: Sendable, Hashable {
    public var port: TransportPort
    /// The VIP's mark, FWM service, reals and SNAT, as a `service add` with the mark in INPUT and Docker's load-balancer sysctls.
    public var service: ServiceRecipe

    public init(
        port: TransportPort, mark: FirewallMark, vip: IPv4Address, device: String, reals: [IPv4Address] = [],
        snat: SNATRule? = nil
    ) {
        self.port = port
        service = ServiceRecipe(
            name: port.description, vip: vip, mark: mark, device: device, chain: "INPUT", reals: reals,
            snat: snat, loadBalancerSysctls: true)
    }

    /// `-A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x102/0xffffffff`.
    public var portMark: MarkRule { MarkRule(chain: "PREROUTING", selector: .port(port), mark: service.mark) }

}
