/// What one namespace does to load-balance, correlated by firewall mark (the view no classic
/// tool gives: mark 0x13d in iptables is FWM 317 in ipvsadm), with the problems found.
public struct LoadBalancerReport: Sendable, Encodable {
    /// Where a mark is set, and for a VIP whether the VIP is assigned.
    public struct MarkSite: Sendable, Encodable {
        public var chain: String
        public var vip: String?
        public var `protocol`: String?
        public var port: UInt16?
        /// The device holding VIP/32; nil when unassigned or for a port mark.
        public var device: String?
    }

    /// An ipvs SNAT rule: balanced packets to `subnet` leave with source `toSource`.
    public struct SNAT: Sendable, Encodable {
        public var subnet: String
        public var toSource: String
    }

    public struct Real: Sendable, Encodable {
        public var address: String
        public var port: UInt16
        /// masq, route, tunnel or local.
        public var forward: String
        public var weight: Int32
        public var activeConnections: UInt32
        public var inactiveConnections: UInt32
        /// The ipvs SNAT rule covering this real server.
        public var snat: SNAT?
    }

    public struct Service: Sendable, Encodable {
        /// The service of the expected services file (`inspect --expect`) this mark belongs to.
        public var service: String? = nil
        public var mark: UInt32
        public var markHex: String
        public var markedIn: [MarkSite]
        /// nil when there is no IPVS service for this mark.
        public var scheduler: String?
        public var reals: [Real]
    }

    /// A port this namespace publishes, followed to the namespace its DNAT reaches (`inspect --all`):
    /// the mark that namespace sets for the port, its IPVS service and real servers.
    public struct IngressRoute: Sendable, Encodable {
        public var `protocol`: String
        public var port: UInt16
        /// The DNAT destination address (the ingress sandbox's on docker_gwbridge); the port is the same.
        public var destination: String
        /// The namespace holding `destination`: its path, or "" for the namespace swarmlb runs in; nil when none does or it was not looked for.
        public var sandbox: String?
        public var mark: UInt32?
        public var markHex: String?
        public var scheduler: String?
        /// ADDRESS:PORT of each real server of the mark's IPVS service.
        public var reals: [String]
        /// The real servers no namespace of this node holds that an overlay peer leads to another node; nil when none.
        public var remoteReals: [RemoteReal]? = nil
    }

    /// A real server running on another node, found as a peer of the overlay whose bridge subnet covers it
    /// (`ip neigh` and `bridge fdb` on its vxlan device in Docker's `1-<id>` namespace).
    public struct RemoteReal: Sendable, Encodable, Equatable {
        public var address: String
        /// The peer's VTEP: the node's underlay address.
        public var node: String
        /// The path of the overlay's namespace, "" for the namespace swarmlb runs in.
        public var overlay: String
        public var device: String
        public var vni: UInt32?
    }

    /// The namespace file inspected (`/run/netns/x`); nil for the namespace swarmlb runs in.
    public var namespace: String?
    /// What the namespace is on a Docker node (load_balancer, ingress, container, overlay, other).
    public var role: NamespaceRole
    /// The iptables backend the rules were read from: "legacy" or "nft".
    public var backend: String
    public var services: [Service]
    public var problems: [Problem]
    /// The published ports (nil when this namespace publishes none).
    public var ingress: [IngressRoute]? = nil
    /// What could not be read (IPVS missing from the kernel), or is worth knowing (the idle timeout), one line each; not problems.
    public var notes: [String] = []
    /// IPVS's connection timeouts (`ipvsadm -L --timeout`); nil without IPVS.
    public var ipvsTimeouts: IPVSTimeouts? = nil
    /// The overlay networks of a namespace holding a vxlan device (nil when it holds none).
    public var overlays: [OverlayNetwork]? = nil
}

/// One thing wrong with a namespace's load balancing, stated in one line.
public struct Problem: Sendable, Encodable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Encodable {
        case markWithoutService = "mark_without_service"
        case serviceWithoutMark = "service_without_mark"
        case vipNotAssigned = "vip_not_assigned"
        case serviceWithoutReals = "service_without_reals"
        case realOutsideSNAT = "real_outside_snat"
        case realDraining = "real_draining"
        case conntrackOff = "conntrack_off"
        case dnsChainsWithoutListener = "dns_chains_without_listener"
        case dnsListenerWithoutChains = "dns_listener_without_chains"
        case backendsConflict = "backends_conflict"
        case ingressDestinationUnheld = "ingress_destination_unheld"
        case ingressPortUnmarked = "ingress_port_unmarked"
        case ingressMarkWithoutService = "ingress_mark_without_service"
        case ingressNotAccepted = "ingress_not_accepted"
        /// `inspect --all`: a published port's real server that no namespace holds and no overlay peer leads to.
        case ingressRealUnheld = "ingress_real_unheld"
        case connReuseModeOn = "conn_reuse_mode_on"
        /// `inspect --expect`: a real server that is no task of its service (stale backend, moby#33790).
        case realNotATask = "real_not_a_task"
        case taskWithoutReal = "task_without_real"
        case vipWrongMark = "vip_wrong_mark"
        case vipUnmarked = "vip_unmarked"
        case serviceNotExpected = "service_not_expected"
        /// The overlay plane (a namespace holding a vxlan device): a neighbour entry without its FDB entry or the reverse.
        case overlayPeerIncomplete = "overlay_peer_incomplete"
        /// `inspect --expect`: a task on another node without its entries, entries pointing at another node, entries for no task.
        case overlayPeerMissing = "overlay_peer_missing"
        case overlayPeerWrongVTEP = "overlay_peer_wrong_vtep"
        case overlayPeerStale = "overlay_peer_stale"
        /// `inspect --all`: the way to a peer's node cannot carry the overlay's packets, or there is none.
        case overlayMTU = "overlay_mtu"
        case vtepUnreachable = "vtep_unreachable"
    }

    public var kind: Kind
    public var message: String

    public var description: String { message }
}
