/// Reads everything a namespace does to load-balance and correlates it by firewall mark:
/// mangle mark rules, IPVS fwmark services and real servers, /32 VIPs, ipvs SNAT rules,
/// net.ipv4.vs.conntrack, and the embedded DNS NAT chains with their listeners. Reads only.
public struct Inspector {
    /// The facts the report is built from, as read from the kernel.
    public struct Facts: Sendable {
        public var marks: [MarkRule]
        public var ipvs: IPVSSnapshot
        public var addresses: [InterfaceAddress]
        public var snat: [SNATRule]
        public var conntrack: String?
        public var dnsRedirects: [(TransportPort.Proto, UInt16)]
        /// Where port 53 of 127.0.0.11 is redirected: the nat chain DOCKER_OUTPUT (Docker 1.12-28) or
        /// nf_tables' `table ip docker-dns` (Docker 29); nil when neither exists.
        public var dnsRedirectSite: String?
        public var listeners: [SocketTable.Listener]
        /// The backend the rules were read from, and whether the other one holds load-balancing rules too.
        public var backend: FirewallBackendKind
        public var backendsConflict: Bool
        /// Why IPVS could not be read (no ip_vs in this kernel); the rest is still reported.
        public var ipvsUnavailable: String? = nil
        /// The ports this namespace publishes through the routing mesh (nat DOCKER-INGRESS DNATs).
        public var published: [IngressPublication] = []
        /// Whether filter DOCKER-INGRESS accepts each published port, and whether the FORWARD policy drops.
        public var publishedAccepted: [TransportPort: Bool] = [:]
        public var forwardDrops = false
        /// IPVS's connection timeouts and net.ipv4.vs.conn_reuse_mode; nil without IPVS.
        public var timeouts: IPVSTimeouts? = nil
        public var connReuseMode: String? = nil
        /// Each device's kind (`bridge`, `vxlan`, `veth`; "" for none), for the namespace's role.
        public var deviceKinds: [String: String] = [:]
        /// The overlay networks of the namespace: one per vxlan device, with its bridge, endpoints and peers.
        public var overlays: [OverlayNetwork] = []
    }

    public static let dnsAddress = IPv4Address(0x7f00_000b)  // 127.0.0.11
    public static let dnsChain = "DOCKER_OUTPUT"

    let kernel: Kernel

    public init(kernel: Kernel) { self.kernel = kernel }

    public func facts() throws(KernelError) -> Facts {
        let selection = try kernel.firewallSelection()
        let firewall = selection.backend
        let nat = try firewall.dump(.nat)
        var redirects: [(TransportPort.Proto, UInt16)] =
            nat.chain(Self.dnsChain)?.rules.compactMap { r in
                guard case .dnat(let range) = r.target, let p = range.ports, let proto = r.proto.flatMap(TransportPort.Proto.init(number:))
                else { return nil }
                return (proto, p.lowerBound)
            } ?? []
        var sites = nat.chain(Self.dnsChain) == nil ? [] : ["nat chain \(Self.dnsChain)"]
        if let native = DockerDNSTable.read(resolver: Self.dnsAddress) {
            redirects += native.redirects.map { ($0.proto, $0.port) }
            sites.append("nf_tables table ip \(DockerDNSTable.name)")
        }
        var ipvs = IPVSSnapshot(version: 0, tableSize: 0, entries: [])
        var ipvsUnavailable: String?
        var timeouts: IPVSTimeouts?
        do throws(KernelError) {
            let table = try kernel.ipvs()
            ipvs = try table.dump()
            timeouts = try table.timeouts()
        } catch {
            guard case .ipvsUnavailable = error else { throw error }
            ipvsUnavailable = error.description
        }
        let filter = try firewall.dump(.filter)
        let published = IngressPublication.published(in: nat)
        let kinds = try kernel.links().kinds()
        var overlays: [OverlayNetwork] = []
        if kinds.values.contains("vxlan") {
            let neighbours = try kernel.neighbours()
            let links = try kernel.links()
            var paths: [Int32: String] = [:]
            for directory in [NetNamespace.iprouteDirectory, NetNamespace.dockerDirectory] {
                for (id, name) in links.namespaceIDs(in: directory) { paths[id] = directory + "/" + name }
            }
            // The peers' entries as the overlay planner reads them: one reader for what is checked and what is changed.
            var entries: ([PeerNeighbour], [PeerForwarding]) = ([], [])
            for device in kinds.filter({ $0.value == "vxlan" }).keys.sorted() {
                entries.0 += try neighbours.neighbours(device: device)
                entries.1 += try neighbours.forwardingEntries(device: device)
            }
            overlays = OverlayNetwork.all(links: try links.details(), neighbours: entries.0, fdb: entries.1, namespaces: paths)
        }
        return Facts(
            marks: MarkRule.all(in: try firewall.dump(.mangle)),
            ipvs: ipvs,
            addresses: try kernel.addresses().addresses(),
            snat: SNATRule.all(in: nat),
            conntrack: try? Sysctl.ipvsConntrack.read(),
            dnsRedirects: redirects,
            dnsRedirectSite: sites.isEmpty ? nil : sites.joined(separator: " and "),
            listeners: try SocketTable.listeners(),
            backend: firewall.kind,
            backendsConflict: selection.conflict,
            ipvsUnavailable: ipvsUnavailable,
            published: published,
            publishedAccepted: Dictionary(published.map { ($0.port, $0.isAccepted(by: filter)) }, uniquingKeysWith: { a, _ in a }),
            forwardDrops: filter.chain("FORWARD")?.policy == "DROP",
            timeouts: timeouts,
            connReuseMode: timeouts == nil ? nil : try? Sysctl.ipvsConnReuseMode.read(),
            deviceKinds: kinds, overlays: overlays)
    }

    /// What the namespace knows of the way to other nodes (its IPv4 main table, device MTUs and
    /// addresses), read in the host for the overlay's checks.
    public static func underlay(kernel: Kernel) throws(KernelError) -> Underlay {
        let links = try kernel.links().details()
        return Underlay(
            routes: try kernel.routes().routes(),
            mtus: Dictionary(links.compactMap { l in l.mtu.map { (l.name, $0) } }, uniquingKeysWith: { a, _ in a }),
            addresses: Set(try kernel.addresses().addresses().map(\.address)))
    }

    /// The namespace's role on a Docker node, from what it holds.
    public static func role(_ f: Facts) -> NamespaceRole {
        NamespaceRole.of(
            marks: f.marks, fwmarkServices: f.ipvs.entries.count { $0.service.key.fwmark != nil },
            resolverRules: f.dnsRedirectSite != nil, publishes: !f.published.isEmpty, deviceKinds: f.deviceKinds.values)
    }

    /// Correlates the facts and lists the problems; pure, so every diagnosis is testable. With
    /// `expected` (`inspect --expect`), marks are labelled with the file's services and the namespace
    /// is compared with them (ServicesComparison), the overlay's peers with the tasks on other nodes
    /// than `localNode` (the addresses of the node swarmlb runs on).
    public static func report(
        namespace: String?, _ f: Facts, expected: NetworkServices? = nil, localNode: Set<IPv4Address> = []
    ) -> LoadBalancerReport {
        let role = role(f)
        let comparison = expected.map { ServicesComparison($0, f) }
        var problems: [Problem] = []
        let rulesByMark = Dictionary(grouping: f.marks, by: \.mark)
        let entryByMark = Dictionary(
            f.ipvs.entries.compactMap { e in e.service.key.fwmark.map { ($0, e) } },
            uniquingKeysWith: { first, _ in first })
        let deviceByVIP = Dictionary(
            f.addresses.filter { $0.prefixLength == 32 }.map { ($0.address, $0.device) },
            uniquingKeysWith: { first, _ in first })
        let marks = Set(rulesByMark.keys).union(entryByMark.keys).sorted()
        var services: [LoadBalancerReport.Service] = []
        for mark in marks {
            let rules = rulesByMark[mark] ?? []
            let entry = entryByMark[mark]
            let sites = rules.map { r -> LoadBalancerReport.MarkSite in
                switch r.selector {
                case .vip(let a):
                    let device = deviceByVIP[a]
                    if device == nil {
                        let owner = comparison?.service(vip: a).map { " of service \($0.name)" } ?? ""
                        problems.append(
                            Problem(
                                kind: .vipNotAssigned,
                                message: "VIP \(a)\(owner) (mark \(mark.hex), mangle \(r.chain)) is not assigned as a /32 on any interface")
                        )
                    }
                    return .init(chain: r.chain, vip: a.description, protocol: nil, port: nil, device: device)
                case .port(let p):
                    return .init(chain: r.chain, vip: nil, protocol: p.proto.rawValue, port: p.port, device: nil)
                }
            }
            if entry == nil {
                for r in rules {
                    problems.append(
                        Problem(
                            kind: .markWithoutService,
                            message:
                                "mark \(mark.hex) set by \"-A \(r.chain) \(r.rule.specification)\" has no IPVS service FWM \(mark.value)"))
                }
            }
            if entry != nil, rules.isEmpty {
                problems.append(
                    Problem(
                        kind: .serviceWithoutMark,
                        message: "IPVS service FWM \(mark.value) has no mangle rule setting mark \(mark.hex)"))
            }
            if let entry, entry.reals.isEmpty {
                problems.append(Problem(kind: .serviceWithoutReals, message: "IPVS service FWM \(mark.value) has no real servers"))
            }
            let reals = (entry?.reals ?? []).map { r -> LoadBalancerReport.Real in
                let snat = r.address.ipv4.flatMap { a in f.snat.first { $0.subnet.contains(a) } }
                if r.weight == 0 {
                    problems.append(
                        Problem(
                            kind: .realDraining,
                            message: "real server \(r.endpoint) of FWM \(mark.value) is draining (weight 0)"))
                }
                if snat == nil, r.forwarding == .masq {
                    problems.append(
                        Problem(
                            kind: .realOutsideSNAT,
                            message: "real server \(r.endpoint) of FWM \(mark.value) is outside every ipvs SNAT subnet"
                                + (f.snat.isEmpty ? " (there are no ipvs SNAT rules)" : "")))
                }
                return .init(
                    address: r.address.description, port: r.port, forward: r.forwarding.rawValue, weight: r.weight,
                    activeConnections: r.activeConnections, inactiveConnections: r.inactiveConnections,
                    snat: snat.map { .init(subnet: $0.subnet.description, toSource: $0.source.description) })
            }
            services.append(
                .init(
                    service: comparison?.service(mark: mark)?.name, mark: mark.value, markHex: mark.hex, markedIn: sites,
                    scheduler: entry?.service.scheduler.rawValue, reals: reals))
        }
        if !f.snat.isEmpty, f.conntrack != nil, f.conntrack != "1" {
            problems.append(
                Problem(
                    kind: .conntrackOff,
                    message:
                        "net.ipv4.vs.conntrack is \(f.conntrack ?? "?") while \(f.snat.count) ipvs SNAT rule(s) exist: SNAT of balanced connections fails"
                ))
        }
        if role == .loadBalancer, f.marks.contains(where: { $0.chain == "INPUT" }), let mode = f.connReuseMode, mode != "0" {
            problems.append(
                Problem(
                    kind: .connReuseModeOn,
                    message:
                        "net.ipv4.vs.conn_reuse_mode is \(mode) in a load-balancer namespace: a client reusing a port stalls 1 s per connection (moby#35082; Docker sets 0)"
                ))
        }
        // An overlay namespace (1-<id>) balances nothing: with --expect only its peers are compared.
        if role != .overlay { problems += comparison?.problems ?? [] }
        for o in f.overlays {
            problems += OverlayCheck.incomplete(o, network: expected?.network)
            if let expected { problems += OverlayCheck.compare(o, expected: expected, localNode: localNode) }
        }
        let dnsListeners = f.listeners.filter { $0.address == dnsAddress }
        // A resolver bound to port 53 itself needs no NAT; one on any other port does.
        let redirected = dnsListeners.filter { $0.port != 53 }
        if let site = f.dnsRedirectSite {
            let missing = f.dnsRedirects.filter { r in !dnsListeners.contains { $0.proto == r.0 && $0.port == r.1 } }
            if f.dnsRedirects.isEmpty || !missing.isEmpty {
                let what = missing.map { "\($0.0.rawValue)/\($0.1)" }.joined(separator: ", ")
                problems.append(
                    Problem(
                        kind: .dnsChainsWithoutListener,
                        message: "\(site) redirects DNS to 127.0.0.11 but nothing listens there"
                            + (what.isEmpty ? " (no DNAT rules)" : " (\(what))")))
            }
        } else if !redirected.isEmpty {
            let what = redirected.map { "\($0.proto.rawValue)/\($0.port)" }.joined(separator: ", ")
            problems.append(
                Problem(
                    kind: .dnsListenerWithoutChains,
                    message: "a resolver listens on 127.0.0.11 (\(what)) but the nat chain \(dnsChain) that sends port 53 there is missing")
            )
        }
        for p in f.published where f.forwardDrops && f.publishedAccepted[p.port] != true {
            problems.append(
                Problem(
                    kind: .ingressNotAccepted,
                    message: "published port \(p.port) has no ACCEPT in filter \(IngressPublication.chain) while the FORWARD policy is DROP"
                ))
        }
        if f.backendsConflict {
            problems.append(
                Problem(
                    kind: .backendsConflict,
                    message:
                        "both iptables-legacy and iptables-nft hold load-balancing rules (shown: \(f.backend.tool), the host's default); "
                        + "one backend's rules are stale or foreign: compare `iptables-legacy-save` with `iptables-nft-save`"))
        }
        return LoadBalancerReport(
            namespace: namespace, role: role, backend: f.backend.rawValue, services: services, problems: problems,
            notes: f.ipvsUnavailable.map { [$0 + "; the IPVS columns are empty"] } ?? [], ipvsTimeouts: f.timeouts,
            overlays: f.overlays.isEmpty ? nil : f.overlays)
    }

    /// Says once, in the first load-balancer or ingress namespace (and again where the value differs),
    /// that an idle TCP connection through a VIP is dropped after IPVS's tcp timeout (moby#31208).
    public static func noteIdleTimeouts(_ reports: inout [LoadBalancerReport]) {
        var said: UInt32?
        for i in reports.indices where [.loadBalancer, .ingress].contains(reports[i].role) {
            guard let tcp = reports[i].ipvsTimeouts?.tcp, tcp != said else { continue }
            reports[i].notes.append(
                "idle TCP connections through a VIP are dropped after IPVS's tcp timeout, \(tcp) s here (900 s by default; moby#31208): use keepalives shorter than it, or ipvsadm --set"
            )
            said = tcp
        }
    }
}
