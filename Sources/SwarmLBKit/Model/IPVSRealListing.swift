/// The IPv4 fwmark services of a namespace with their schedulers and real servers, read all at once
/// (`IPVSTable.fwmarkListing()`): what `apply` checks the services file against before asking
/// netlink about the few services that differ. It answers "is there certainly no service of this
/// mark", "are this mark's reals exactly these Masq servers on port 0 with these weights (under this
/// scheduler)" and "what are this mark's reals"; a mark whose reals the read could not vouch for is
/// never settled.
public struct IPVSRealListing: Sendable {
    /// One IPv4 fwmark service as read.
    public struct Service: Sendable {
        /// nil: a name ipvsadm does not know.
        public var scheduler: IPVSScheduler?
        /// Every real server, thresholds included; nil when the read cannot vouch for them.
        public var reals: [RealServer]?

        public init(scheduler: IPVSScheduler?, reals: [RealServer]?) {
            self.scheduler = scheduler
            self.reals = reals
        }
    }

    private let services: [FirewallMark: Service]
    /// True when every IPv4 fwmark service was read, so that a mark left out has none.
    private let complete: Bool

    public init(services: [FirewallMark: Service], complete: Bool) {
        self.services = services
        self.complete = complete
    }

    /// The real servers of this mark's service, when the read vouches for all of them.
    public func reals(of mark: FirewallMark) -> [RealServer]? { services[mark]?.reals }

    /// True when the service of this mark has exactly these IPv4 Masq reals on port 0 with these
    /// weights (so nothing about its reals needs changing).
    public func lists(_ mark: FirewallMark, exactly wanted: [IPv4Address: Int32]) -> Bool {
        // A service holds an address and port once, so equal counts and every real wanted with its
        // weight make the two the same.
        guard let reals = services[mark]?.reals, reals.count == wanted.count else { return false }
        return reals.allSatisfy { r in
            guard case .v4(let address) = r.address, r.port == 0, r.forwarding == .masq else { return false }
            return wanted[address] == r.weight
        }
    }

    /// True when the service of this mark has this scheduler and exactly these reals: nothing about
    /// it needs changing.
    public func lists(_ mark: FirewallMark, scheduler: IPVSScheduler, exactly wanted: [IPv4Address: Int32]) -> Bool {
        services[mark]?.scheduler == scheduler && lists(mark, exactly: wanted)
    }

    /// True when there is certainly no IPv4 fwmark service of this mark.
    public func listsNoService(_ mark: FirewallMark) -> Bool {
        complete && services[mark] == nil
    }
}
