/// The services of one overlay network as the embedded resolver knows them: each service's VIP,
/// mark, aliases, endpoint mode and tasks, and the plain containers attached to it (Docker's service
/// `""` in `docker network inspect -v`). Loaded from the services file (`ServicesFile`).
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
        /// The underlay address of the node the task runs on (its VTEP; `node:`, or Docker's `Info."Host IP"`):
        /// `apply --overlay` programs a peer for each task on another node. Nil: not said.
        public var node: IPv4Address?
        public init(name: String, ip: IPv4Address, weight: Int32 = 1, node: IPv4Address? = nil) {
            self.name = name
            self.ip = ip
            self.weight = weight
            self.node = node
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
        public init(
            name: String, vip: IPv4Address? = nil, fwmark: FirewallMark? = nil, aliases: [String] = [],
            endpointMode: EndpointMode = .vip, tasks: [Task] = [], scheduler: IPVSScheduler? = nil
        ) {
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
    /// Containers attached to the network outside any service: each name resolves to its address
    /// (PTR `<name>.<network>`); no load balancing (`weight` unused).
    public var containers: [Task]
    /// The underlay addresses of the nodes that have the network (Docker's `Peers[].IP`): each holds an
    /// endpoint of its own on it (`lb-NET`, ingress's `ingress-endpoint`) that is no task. Empty: not said.
    public var nodes: [IPv4Address] = []

    public init(network: String, subnet: IPv4Subnet? = nil, services: [Service], containers: [Task] = []) {
        self.network = network
        self.subnet = subnet
        self.services = services
        self.containers = containers
    }
}

extension NetworkServices {
    /// A contradiction between entries that each parse on their own, located by field path
    /// (`services[1].tasks[0].name`) so that a reader of any input (YAML, Docker's JSON) can name its line.
    public struct Problem: Sendable, Equatable {
        public var field: String
        public var reason: String
        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    /// The first entry that contradicts an earlier one or the network, in file order: a dnsrr
    /// service with a VIP (Docker gives it none), a name (service, alias or task, case-insensitive)
    /// used twice, two VIP-mode services on one VIP, a VIP or task address outside `subnet`.
    /// Each is reported at the later entry's own field (an alias clash at the alias); containers
    /// come after the services (`containers[0].name`).
    public func firstProblem() -> Problem? {
        // Field paths are spelled only for a problem: a file holds tens of thousands of names,
        // each claimed with one hash (updateValue: a clash ends the search, so what it replaces is moot).
        struct Field {
            enum List { case name, aliases, tasks, containers }
            var service: Int, list = List.name, index = 0
            var path: String {
                switch list {
                case .name: "services[\(service)].name"
                case .aliases: "services[\(service)].aliases[\(index)]"
                case .tasks: "services[\(service)].tasks[\(index)].name"
                case .containers: "containers[\(index)].name"
                }
            }
        }
        var names: [String: Field] = [:]  // lowercased name -> the field that took it
        var vips: [IPv4Address: Int] = [:]
        names.reserveCapacity(services.reduce(containers.count) { $0 + 1 + $1.aliases.count + $1.tasks.count })
        vips.reserveCapacity(services.count)
        func claim(_ name: String, _ field: Field) -> Problem? {
            guard let other = names.updateValue(field, forKey: DNSName.key(name)) else { return nil }
            return Problem(field: field.path, reason: "name \"\(name)\" is already used by \(other.path)")
        }
        func inside(_ a: IPv4Address, _ field: @autoclosure () -> String) -> Problem? {
            guard let subnet, !subnet.contains(a) else { return nil }
            return Problem(field: field(), reason: "\(a) is outside the network's subnet \(subnet)")
        }
        for (i, s) in services.enumerated() {
            if let p = claim(s.name, Field(service: i)) { return p }
            for j in s.aliases.indices {
                if let p = claim(s.aliases[j], Field(service: i, list: .aliases, index: j)) { return p }
            }
            if let vip = s.vip {
                if s.endpointMode == .dnsrr {
                    return Problem(
                        field: "services[\(i)].vip", reason: "a dnsrr service has no VIP (remove vip, or use endpoint_mode: vip)")
                }
                if let p = inside(vip, "services[\(i)].vip") { return p }
                if let other = vips.updateValue(i, forKey: vip) {
                    return Problem(field: "services[\(i)].vip", reason: "VIP \(vip) is already used by services[\(other)]")
                }
            }
            for j in s.tasks.indices {
                if let p = claim(s.tasks[j].name, Field(service: i, list: .tasks, index: j)) { return p }
                if let p = inside(s.tasks[j].ip, "services[\(i)].tasks[\(j)].ip") { return p }
            }
        }
        for (j, c) in containers.enumerated() {
            if let p = claim(c.name, Field(service: 0, list: .containers, index: j)) { return p }
            if let p = inside(c.ip, "containers[\(j)].ip") { return p }
        }
        return nil
    }
}
