extension OverlayNetwork.Definition {
    /// `overlay create`, in the overlay namespace: the bridge with the gateway address, the VXLAN
    /// device made from `underlay` (nil: made here) and placed in `overlay`, enslaved, both up.
    public func createChanges(underlay: NetNamespace?, overlay: NetNamespace?) -> [KernelChange] {
        let settings = LinkDefinition.VXLANSettings(vni: vni, port: port, local: local, underlay: underlay?.path, overlay: overlay?.path)
        return [
            .addLink(LinkDefinition(name: bridge, kind: .bridge)),
            .addAddress(InterfaceAddress(address: gateway, prefixLength: subnet.prefixLength, device: bridge)),
            .addLink(LinkDefinition(name: vxlan, mtu: mtu, kind: .vxlan(settings))),
            .setMaster(vxlan, master: bridge),
            .setLink(vxlan, up: true),
            .setLink(bridge, up: true),
        ]
    }
}

extension OverlayAttachment {
    /// `overlay attach`, in the overlay namespace: the veth pair (its other end made in `container`
    /// with the container's name, MAC and MTU), that end's address and both ends up, this end a port of the bridge.
    public func attachChanges(container: NetNamespace, name: String) -> [KernelChange] {
        let peer = LinkDefinition.VethPeer(name: name, namespace: container.path, mac: mac, mtu: mtu)
        return [
            .addLink(LinkDefinition(name: veth, mtu: mtu, kind: .veth(peer))),
            .elsewhere(
                container, .addAddress(InterfaceAddress(address: address.address, prefixLength: address.prefixLength, device: name))),
            .elsewhere(container, .setLink(name, up: true)),
            .setMaster(veth, master: bridge),
            .setLink(veth, up: true),
        ]
    }
}

extension OverlayPeer {
    /// `overlay peer add`: the neighbour entry, then the FDB entry.
    public var addChanges: [KernelChange] { [.addNeighbour(neighbour, replace: false), .addForwardingEntry(fdbEntry, replace: false)] }
    /// `overlay peer del`: the FDB entry, then the neighbour entry.
    public var deleteChanges: [KernelChange] { [.deleteForwardingEntry(fdbEntry), .deleteNeighbour(neighbour)] }
}

extension OverlayPeerSet {
    /// `apply --overlay --prune`: the removals of the entries the set owns (permanent neighbour entries
    /// of its device in its subnet) for addresses neither a peer nor a task of unknown node holds, in
    /// address order, each MAC's FDB entries (unless a peer uses that MAC) before its neighbour entry,
    /// so that a run cut short leaves the neighbour entry, which names the address, for the next run.
    func staleChanges(_ state: any NamespaceState) throws(KernelError) -> [KernelChange] {
        guard let subnet else { return [] }
        let addresses = Set(peers.map(\.address)).union(unplaced)
        let macs = Set(peers.map(\.mac))
        let fdb = try state.forwardingEntries(device)
        let stale = try state.neighbours(device).filter { $0.permanent && subnet.contains($0.address) && !addresses.contains($0.address) }
        var removed = Set<PeerForwarding>()  // two stale addresses on one MAC: its entries go once
        return stale.sorted { $0.address < $1.address }.flatMap { n in
            fdb.filter { $0.mac == n.mac && $0.permanent && !macs.contains($0.mac) && removed.insert($0).inserted }.map {
                KernelChange.deleteForwardingEntry($0)
            } + [.deleteNeighbour(n)]
        }
    }

    /// The set a node programs for a network (`apply --overlay`): a peer for every task whose `node`
    /// is another node than `localNode`, its MAC derived from its address as Docker before 25.0
    /// derives it; the addresses of tasks whose node is not given are kept from pruning (they may be
    /// on another node). Without `localNode`, this node is the task node among the addresses of the
    /// namespace the thread is in (call before entering another).
    public static func remote(of network: NetworkServices, localNode: IPv4Address?) throws -> OverlayPeerSet {
        let all = network.services.flatMap(\.tasks) + network.containers
        let tasks = all.filter { $0.node != nil }
        var set = OverlayPeerSet(subnet: network.subnet, peers: [], unplaced: Set(all.filter { $0.node == nil }.map(\.ip)))
        guard !tasks.isEmpty else { return set }
        let local: IPv4Address
        if let localNode {
            local = localNode
        } else {
            let own = Set(try AddressTable().addresses().map(\.address))
            let nodes = Set(tasks.compactMap(\.node)).filter(own.contains)
            guard nodes.count == 1, let only = nodes.first else {
                let all = Set(tasks.compactMap(\.node)).map(\.description).sorted().joined(separator: ", ")
                throw ValidationError(
                    all,
                    "local node (\(nodes.isEmpty ? "none" : "more than one") of the tasks' nodes is an address of this namespace; give --node)"
                )
            }
            local = only
        }
        var seen = Set<IPv4Address>()
        set.peers = tasks.compactMap { t in
            guard let node = t.node, node != local, seen.insert(t.ip).inserted else { return nil }
            return OverlayPeer(address: t.ip, mac: MACAddress(derivedFrom: t.ip), vtep: node)
        }
        return set
    }
}
