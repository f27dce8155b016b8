/// Docker Swarm's per-container load-balancing recipe for one service: the VIP as a /32 on the
/// overlay device, the mangle mark for it, the IPVS fwmark service with its tasks as Masq real
/// servers, and optionally the ipvs SNAT rule for the overlay subnet.
public struct ServiceRecipe: Sendable, Hashable {
    public var name: String
    public var vip: IPv4Address
    public var mark: FirewallMark
    public var device: String
    public var chain: String
    public var scheduler: IPVSScheduler
    public var reals: [IPv4Address]
    public var snat: SNATRule?
    /// Docker 18.06+'s load-balancer namespace also tunes IPVS connection reuse and expiry.
    public var loadBalancerSysctls: Bool

    /// The sysctls Docker sets in its per-network load-balancer namespace (lb_<id>).
    public static let loadBalancerTuning: [(Sysctl, String)] = [
        (.ipvsConnReuseMode, "0"), (.ipvsExpireNodestConn, "1"), (.ipvsExpireQuiescentTemplate, "1"),
    ]

    public init(
        name: String, vip: IPv4Address, mark: FirewallMark, device: String, chain: String = "OUTPUT",
        scheduler: IPVSScheduler = .rr, reals: [IPv4Address] = [], snat: SNATRule? = nil,
        loadBalancerSysctls: Bool = false
    ) {
        self.name = name
        self.vip = vip
        self.mark = mark
        self.device = device
        self.chain = chain
        self.scheduler = scheduler
        self.reals = reals
        self.snat = snat
        self.loadBalancerSysctls = loadBalancerSysctls
    }

    public var address: InterfaceAddress { InterfaceAddress(address: vip, prefixLength: 32, device: device) }
    public var markRule: MarkRule { MarkRule(chain: chain, selector: .vip(vip), mark: mark) }
    public var service: IPVSService { IPVSService(key: .fwmark(mark), scheduler: scheduler) }

}
