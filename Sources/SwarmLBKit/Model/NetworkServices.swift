/// The services of one overlay network as the embedded resolver knows them: each service's VIP,
/// mark, aliases, endpoint mode and tasks. Loaded from the services file (`ServicesFile`).
public struct NetworkServices: Sendable, Equatable {
    public enum EndpointMode: String, Sendable, Equatable {
        /// `<service>` resolves to the VIP.
        case vip
        /// DNS round robin: `<service>` resolves to every task IP, shuffled per answer.
        case dnsrr
    }

    public struct Task: Sendable, Equatable {
        public var name: String
        public var ip: IPv4Address
        /// The task's IPVS weight for `apply` (0: drained); 1 unless the file says otherwise.
        public var weight: Int32
        public init(name: String, ip: IPv4Address, weight: Int32 = 1) {
            self.name = name
            self.ip = ip
            self.weight = weight
        }
    }

    public struct Service: Sendable, Equatable {
        public var name: String
        public var vip: IPv4Address?
        public var fwmark: FirewallMark?
        public var aliases: [String]
        public var endpointMode: EndpointMode
        public var tasks: [Task]
        /// The IPVS scheduler for `apply`; nil: rr, as Docker.
        public var scheduler: IPVSScheduler?
        public init(name: String, vip: IPv4Address? = nil, fwmark: FirewallMark? = nil, aliases: [String] = [],
                    endpointMode: EndpointMode = .vip, tasks: [Task] = [], scheduler: IPVSScheduler? = nil) {
            self.name = name
            self.vip = vip
            self.fwmark = fwmark
            self.aliases = aliases
            self.endpointMode = endpointMode
            self.tasks = tasks
            self.scheduler = scheduler
        }
    }

    public var network: String
    public var subnet: IPv4Subnet?
    public var services: [Service]

    public init(network: String, subnet: IPv4Subnet? = nil, services: [Service]) {
        self.network = network
        self.subnet = subnet
        self.services = services
    }
}
