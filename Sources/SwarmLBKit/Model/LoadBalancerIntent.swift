/// What `swarmlb apply` makes a namespace hold for one overlay network, built from its services
/// file: for each VIP-mode service the VIP as a /32 on the device, the mangle mark rule for it
/// (INPUT in Docker's load-balancer namespace, OUTPUT in the per-container model), the IPVS
/// fwmark service and one Masq real server per task with its weight; one ipvs SNAT rule for the
/// subnet; and the sysctls that go with them. dnsrr services need none of it. `service add` and
/// `ingress balance` make a one-service intent of their `ServiceRecipe`, planned the same way.
public struct LoadBalancerIntent: Sendable, Hashable {
    public struct Service: Sendable, Hashable {
        public var name: String
        public var vip: IPv4Address
        public var mark: FirewallMark
        public var scheduler: IPVSScheduler
        /// Task addresses with their weights (0: drained).
        public var reals: [IPv4Address: Int32]
    }

    public var device: String
    /// The mangle chain of the mark rules: "INPUT" or "OUTPUT".
    public var chain: String
    public var services: [Service]
    public var snat: SNATRule?
    /// Docker 18.06+'s load-balancer namespace tuning (conn_reuse_mode=0, expire_*=1): `apply` sets
    /// it with INPUT (Docker's load-balancer namespace), `service add` when `--lb-sysctls` asks.
    public var loadBalancerTuning: Bool

    /// The intent of `network` on `device`. `source` is the SNAT source (nil: no SNAT rule);
    /// `subnet` the SNAT destination when the file names none. Refuses a VIP-mode service without
    /// a VIP or mark, and two services on one mark.
    public init(
        _ network: NetworkServices, device: String, chain: String, subnet: IPv4Subnet?,
        source: IPv4Address?
    ) throws(ValidationError) {
        self.device = device
        self.chain = chain
        loadBalancerTuning = chain == "INPUT"
        var marks: [FirewallMark: String] = [:]
        services = []
        for s in network.services where s.endpointMode == .vip {
            guard let vip = s.vip else { throw ValidationError(s.name, "service for apply: a VIP-mode service needs a vip") }
            guard let mark = s.fwmark else { throw ValidationError(s.name, "service for apply: a VIP-mode service needs an fwmark") }
            if let other = marks.updateValue(s.name, forKey: mark) {
                throw ValidationError(s.name, "service for apply: mark \(mark.hex) is already \(other)'s")
            }
            let reals = Dictionary(s.tasks.map { ($0.ip, $0.weight) }, uniquingKeysWith: { first, _ in first })
            services.append(Service(name: s.name, vip: vip, mark: mark, scheduler: s.scheduler ?? .rr, reals: reals))
        }
        snat = source.flatMap { src in (network.subnet ?? subnet).map { SNATRule(subnet: $0, source: src) } }
    }

    /// The one-service intent of `service add`: the recipe's service with its tasks at weight 1.
    public init(_ recipe: ServiceRecipe) {
        device = recipe.device
        chain = recipe.chain
        loadBalancerTuning = recipe.loadBalancerSysctls
        let reals = Dictionary(recipe.reals.map { ($0, Int32(1)) }, uniquingKeysWith: { first, _ in first })
        services = [Service(name: recipe.name, vip: recipe.vip, mark: recipe.mark, scheduler: recipe.scheduler, reals: reals)]
        snat = recipe.snat
    }
}
