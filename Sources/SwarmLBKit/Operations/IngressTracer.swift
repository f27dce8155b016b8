/// Follows each published port of the routing mesh across namespaces, as an operator does by hand:
/// the node's nat DOCKER-INGRESS DNAT (`iptables -t nat -S`), the namespace holding its destination
/// (`ip addr` in each), that namespace's port mark (`iptables -t mangle -S`) and the mark's IPVS
/// service and real servers (`ipvsadm -Ln`), each real server to the namespace holding it or, on
/// another node, to the overlay peer leading there (`ip neigh`, `bridge fdb` in Docker's `1-<id>`).
/// Fills each report's ingress rows and adds a problem, naming the port, at the first broken link.
/// Pure: works on facts already read.
public enum IngressTracer {
    typealias RemoteReal = LoadBalancerReport.RemoteReal

    /// `facts[i]` are the facts `reports[i]` was made from. `complete`: every namespace was read
    /// (`inspect --all`), so a DNAT destination or a real server that none holds is a problem, not just out of sight.
    public static func trace(_ reports: inout [LoadBalancerReport], _ facts: [Inspector.Facts], complete: Bool) {
        for i in reports.indices where !facts[i].published.isEmpty {
            var problems: [Problem] = []
            reports[i].ingress = facts[i].published.map { p in
                var route = LoadBalancerReport.IngressRoute(
                    protocol: p.port.proto.rawValue, port: p.port.port,
                    destination: p.sandbox.description, reals: [])
                guard let s = facts.indices.first(where: { facts[$0].addresses.contains { $0.address == p.sandbox } }) else {
                    if complete {
                        problems.append(
                            Problem(
                                kind: .ingressDestinationUnheld,
                                message: "published port \(p.port) is DNATed to \(p.sandbox), which no namespace holds"))
                    }
                    return route
                }
                let name = reports[s].namespace ?? "the namespace swarmlb runs in"
                route.sandbox = reports[s].namespace ?? ""
                guard let mark = facts[s].marks.first(where: { $0.selector == .port(p.port) })?.mark else {
                    problems.append(
                        Problem(
                            kind: .ingressPortUnmarked,
                            message: "published port \(p.port) reaches \(name) at \(p.sandbox), where no mangle rule marks \(p.port)"))
                    return route
                }
                route.mark = mark.value
                route.markHex = mark.hex
                guard let entry = facts[s].ipvs.entries.first(where: { $0.service.key.fwmark == mark }) else {
                    if facts[s].ipvsUnavailable == nil {
                        problems.append(
                            Problem(
                                kind: .ingressMarkWithoutService,
                                message:
                                    "published port \(p.port) is marked \(mark.hex) in \(name), which has no IPVS service FWM \(mark.value)"
                            ))
                    }
                    return route
                }
                route.scheduler = entry.service.scheduler.rawValue
                route.reals = entry.reals.map(\.endpoint)
                for real in entry.reals {
                    guard let address = real.address.ipv4, !facts.contains(where: { $0.addresses.contains { $0.address == address } })
                    else { continue }
                    if let remote = remoteReal(address, facts, reports) {
                        route.remoteReals = (route.remoteReals ?? []) + [remote]
                    } else if complete {
                        problems.append(
                            Problem(
                                kind: .ingressRealUnheld,
                                message:
                                    "published port \(p.port) is balanced in \(name) to \(address), which no namespace holds and no overlay peer leads to"
                            ))
                    }
                }
                return route
            }
            reports[i].problems += problems
        }
    }

    /// The peer holding `address` in an overlay whose bridge has an address of a subnet covering it (the
    /// ingress network's br0, 10.255.0.1/16), so that a peer of another overlay reusing the address is not taken.
    static func remoteReal(_ address: IPv4Address, _ facts: [Inspector.Facts], _ reports: [LoadBalancerReport]) -> RemoteReal? {
        for (i, f) in facts.enumerated() {
            for o in f.overlays {
                guard
                    f.addresses.contains(where: {
                        $0.device == o.bridge && IPv4Subnet($0.address, prefixLength: $0.prefixLength).contains(address)
                    }),
                    let vtep = o.peers.first(where: { $0.address == address && $0.vtep != nil })?.vtep
                else { continue }
                return .init(
                    address: address.description, node: vtep.description, overlay: reports[i].namespace ?? "", device: o.device, vni: o.vni)
            }
        }
        return nil
    }
}
