/// The overlay plane's problems, each one line naming the network, the address and the node:
/// entries that do not pair up, entries that disagree with where the network's tasks run
/// (`inspect --expect`), and a way between nodes that cannot carry the overlay (`inspect --all`).
public enum OverlayCheck {
    /// overlay_peer_incomplete: a neighbour entry without its FDB entry, or the reverse.
    public static func incomplete(_ o: OverlayNetwork, network: String? = nil) -> [Problem] {
        let name = label(o, network)
        return o.peers.compactMap { p in
            switch (p.address, p.vtep) {
            case (let a?, nil):
                return Problem(
                    kind: .overlayPeerIncomplete,
                    message:
                        "overlay \(name): peer \(a) (\(p.mac)) has a neighbour entry but no FDB entry, so no node: its traffic is dropped")
            case (nil, let v?):
                return Problem(
                    kind: .overlayPeerIncomplete,
                    message: "overlay \(name): FDB entry \(p.mac) -> node \(v) has no neighbour entry: no address of the network reaches it"
                )
            default:
                return nil
            }
        }
    }

    /// With the network's tasks and their nodes (`inspect --expect`) and the addresses of this node:
    /// overlay_peer_missing (a task on another node without its entries), overlay_peer_wrong_vtep
    /// (its FDB entry sends to another node) and overlay_peer_stale (entries for an address no task
    /// on another node holds, but the one endpoint of each node of the network). Tasks whose node is unknown are
    /// judged only for staleness.
    public static func compare(_ o: OverlayNetwork, expected: NetworkServices, localNode: Set<IPv4Address>) -> [Problem] {
        let name = label(o, expected.network)
        let tasks = expected.services.flatMap { s in s.tasks.map { (s.name, $0) } } + expected.containers.map { ("", $0) }
        var byAddress: [IPv4Address: (service: String, task: NetworkServices.Task)] = [:]
        for (s, t) in tasks where byAddress[t.ip] == nil { byAddress[t.ip] = (s, t) }
        let peerByAddress = Dictionary(o.peers.compactMap { p in p.address.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        var problems: [Problem] = []
        for (address, (_, task)) in byAddress.sorted(by: { $0.key < $1.key }) {
            guard let node = task.node, !localNode.contains(node) else { continue }
            guard let peer = peerByAddress[address] else {
                problems.append(
                    Problem(
                        kind: .overlayPeerMissing,
                        message:
                            "overlay \(name): task \(task.name) \(address) on node \(node) has no neighbour or FDB entry here: it is unreachable from this node"
                    ))
                continue
            }
            if let vtep = peer.vtep, vtep != node {
                problems.append(
                    Problem(
                        kind: .overlayPeerWrongVTEP,
                        message:
                            "overlay \(name): task \(task.name) \(address) runs on node \(node) but its FDB entry (\(peer.mac)) sends to node \(vtep)"
                    ))
            }
        }
        // Entries no task holds: on a node of the network (Peers), exactly one is that node's own endpoint (lb-NET,
        // ingress-endpoint), which Docker programs as a peer and `docker network inspect -v` lists on that node only.
        let untracked = peerByAddress.filter { byAddress[$0.key] == nil }
        let perNode = Dictionary(grouping: untracked.values.compactMap(\.vtep), by: { $0 }).mapValues(\.count)
        let nodes = Set(expected.nodes)
        for (address, peer) in peerByAddress.sorted(by: { $0.key < $1.key }) {
            let holder = byAddress[address]
            if holder == nil, let vtep = peer.vtep, nodes.contains(vtep), perNode[vtep] == 1 { continue }
            if holder == nil || holder!.task.node.map(localNode.contains) == true {
                let why = holder == nil ? "no task of the network holds it" : "its task \(holder!.task.name) runs on this node"
                problems.append(
                    Problem(
                        kind: .overlayPeerStale,
                        message:
                            "overlay \(name): entries for \(address) (\(peer.mac), node \(peer.vtep?.description ?? "unknown")) but \(why)")
                )
            }
        }
        return problems
    }

    /// With the host's routes (`inspect --all`): vtep_unreachable (no route from the host to a peer's
    /// node) and overlay_mtu (the overlay's MTU plus VXLAN's 50 bytes exceeds the MTU toward it).
    public static func underlay(_ o: OverlayNetwork, host: Underlay) -> [Problem] {
        let name = label(o, nil)
        let overlayMTU = max(o.mtu ?? 0, o.bridgeMTU ?? 0)
        var problems: [Problem] = []
        var seen: Set<IPv4Address> = []
        for p in o.peers {
            guard let vtep = p.vtep, seen.insert(vtep).inserted else { continue }
            let peer = p.address.map { "peer \($0)" } ?? "FDB entry \(p.mac)"
            guard let way = host.route(to: vtep) else {
                problems.append(
                    Problem(
                        kind: .vtepUnreachable, message: "overlay \(name): no route from the host to node \(vtep) (the VTEP of \(peer))"))
                continue
            }
            if let mtu = way.mtu, overlayMTU + 50 > mtu {
                problems.append(
                    Problem(
                        kind: .overlayMTU,
                        message:
                            "overlay \(name): MTU \(overlayMTU) plus VXLAN's 50 exceeds MTU \(mtu) of \(way.route.device ?? "the route") toward node \(vtep): large packets to its tasks are dropped"
                    ))
            }
        }
        return problems
    }

    private static func label(_ o: OverlayNetwork, _ network: String?) -> String {
        network.map { "\($0) (\(o.device)\(o.vni.map { ", VNI \($0)" } ?? ""))" } ?? o.label
    }
}
