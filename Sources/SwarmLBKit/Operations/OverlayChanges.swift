extension OverlayNetwork {
    /// `overlay create`, in the overlay namespace: the bridge with the gateway address, the VXLAN
    /// device made from `underlay` (nil: made here) and placed in `overlay`, enslaved, both up.
    public func createChanges(underlay: NetNamespace?, overlay: NetNamespace?) -> [KernelChange] {
        let settings = LinkDefinition.VXLANSettings(vni: vni, port: port, local: local, underlay: underlay, overlay: overlay)
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
        let peer = LinkDefinition.VethPeer(name: name, namespace: container, mac: mac, mtu: mtu)
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
