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
        public init(name: String, ip: IPv4Address) {
            self.name = name
            self.ip = ip
        }
    }

    public struct Service: Sendable, Equatable {
        public var name: String
        public var vip: IPv4Address?
        public var fwmark: FirewallMark?
        public var aliases: [String]
        public var endpointMode: EndpointMode
        public var tasks: [Task]
        public init(name: String, vip: IPv4Address? = nil, fwmark: FirewallMark? = nil, aliases: [String] = [],
                    endpointMode: EndpointMode = .vip, tasks: [Task] = []) {
            self.name = name
            self.vip = vip
            self.fwmark = fwmark
            self.aliases = aliases
            self.endpointMode = endpointMode
            self.tasks = tasks
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
