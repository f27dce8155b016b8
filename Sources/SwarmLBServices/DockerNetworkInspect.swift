import SwarmLBKit

/// Reads the JSON printed by `docker network inspect -v NET...` as it is, a services file of one
/// or more networks: each network's `Name`, its IPv4 subnet from `IPAM.Config`, and `Services`
/// keyed by service name with `VIP` (`"<nil>"`: dnsrr), `LocalLBIndex` (the node's fwmark, 0:
/// none) and `Tasks[].Name/EndpointIP` (a `/prefix` dropped); the service `""` lists the plain
/// containers; a task's `Info."Host IP"` is its node; `Peers[].IP` are the network's nodes. Docker's other fields are left alone, since each Docker version adds some; a
/// field that is read must have the type Docker gives it. Errors name the field by its path in
/// the array (`[0].Services.my-web.Tasks[1].EndpointIP`) and its line.
extension ServicesFile.Reader {
    func dockerNetworks(_ root: ServicesFileNode) throws(ServicesFileError) -> [NetworkServices] {
        guard let items = root.sequence else { throw fail(root, "", "expected an array of networks") }
        guard !items.isEmpty else { throw fail(root, "", "the array holds no network") }
        var networks: [NetworkServices] = []
        for (i, item) in items.enumerated() {
            let network = try dockerNetwork(item, "[\(i)]")
            if let other = networks.firstIndex(where: { DNSName.key($0.network) == DNSName.key(network.network) }) {
                throw fail(item, "[\(i)].Name", "network \"\(network.network)\" is already in the array at [\(other)]")
            }
            networks.append(network)
        }
        return networks
    }

    /// The fields of a JSON object by name, unknown ones kept (they are Docker's, not typos).
    private func object(_ node: ServicesFileNode, _ field: String) throws(ServicesFileError) -> [String: ServicesFileNode] {
        guard let m = node.mapping else { throw fail(node, field, "expected an object") }
        var fields: [String: ServicesFileNode] = [:]
        for (k, v) in m { if let name = k.string { fields[name] = v } }
        return fields
    }

    /// A JSON array or null (Docker prints null for an empty list).
    private func array(_ node: ServicesFileNode?, _ field: String) throws(ServicesFileError) -> [ServicesFileNode] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.sequence else { throw fail(node, field, "expected an array") }
        return Array(items)
    }

    /// An address as Docker prints it, with or without a `/prefix`.
    private func address(_ node: ServicesFileNode?, _ field: String, parent: ServicesFileNode) throws(ServicesFileError) -> IPv4Address {
        try parsed(node, field, parent: parent) { text in
            try IPv4Address(parsing: String(text.prefix { $0 != "/" }))
        }
    }

    private func dockerNetwork(_ node: ServicesFileNode, _ field: String) throws(ServicesFileError) -> NetworkServices {
        let m = try object(node, field)
        var result = NetworkServices(network: try name(m["Name"], "\(field).Name", parent: node), services: [])
        var origins: [String: (field: String, node: ServicesFileNode)] = [:]  // the model's field paths, for firstProblem
        if let ipam = m["IPAM"], !ipam.isNull {
            for (i, config) in try array(try object(ipam, "\(field).IPAM")["Config"], "\(field).IPAM.Config").enumerated() {
                let f = "\(field).IPAM.Config[\(i)].Subnet"
                guard let subnet = try object(config, f)["Subnet"], !(subnet.string?.contains(":") ?? false) else { continue }
                result.subnet = try parsed(subnet, f, parent: config) { try IPv4Subnet(parsing: $0) }
                break
            }
        }
        if let services = m["Services"], !services.isNull {
            guard let entries = services.mapping else { throw fail(services, "\(field).Services", "expected an object") }
            for (key, value) in entries {
                let serviceName = key.string ?? ""
                let f = "\(field).Services.\(serviceName.isEmpty ? "\"\"" : serviceName)"
                let s = try object(value, f)
                var tasks: [NetworkServices.Task] = []
                for (j, item) in try array(s["Tasks"], "\(f).Tasks").enumerated() {
                    let tf = "\(f).Tasks[\(j)]"
                    let t = try object(item, tf)
                    var task = NetworkServices.Task(
                        name: try name(t["Name"], "\(tf).Name", parent: item),
                        ip: try address(t["EndpointIP"], "\(tf).EndpointIP", parent: item))
                    if let info = t["Info"], !info.isNull, let host = try object(info, "\(tf).Info")["Host IP"] {
                        task.node = try address(host, "\(tf).Info.Host IP", parent: info)
                    }
                    let model =
                        serviceName.isEmpty
                        ? "containers[\(result.containers.count + j)]" : "services[\(result.services.count)].tasks[\(j)]"
                    origins["\(model).name"] = ("\(tf).Name", t["Name"] ?? item)
                    origins["\(model).ip"] = ("\(tf).EndpointIP", t["EndpointIP"] ?? item)
                    tasks.append(task)
                }
                if serviceName.isEmpty {
                    result.containers += tasks
                    continue
                }
                let model = "services[\(result.services.count)]"
                var service = NetworkServices.Service(name: try name(key, "\(f)", parent: value), tasks: tasks)
                origins["\(model).name"] = (f, key)
                let vip = try string(s["VIP"], "\(f).VIP", parent: value)
                if vip == "<nil>" {
                    service.endpointMode = .dnsrr
                } else {
                    service.vip = try address(s["VIP"], "\(f).VIP", parent: value)
                    origins["\(model).vip"] = ("\(f).VIP", s["VIP"] ?? value)
                }
                if let index = s["LocalLBIndex"] {
                    let mark = try number(index, "\(f).LocalLBIndex", parent: value) { text throws -> FirewallMark? in
                        guard text != "0" else { return nil }
                        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                            throw SwarmLBKit.ValidationError(text, "LocalLBIndex (a number)")
                        }
                        return try FirewallMark(parsing: text)
                    }
                    service.fwmark = mark
                }
                result.services.append(service)
            }
        }
        for (i, peer) in try array(m["Peers"], "\(field).Peers").enumerated() {
            if let ip = try object(peer, "\(field).Peers[\(i)]")["IP"] {
                result.nodes.append(try address(ip, "\(field).Peers[\(i)].IP", parent: peer))
            }
        }
        if let problem = result.firstProblem() {
            let origin = origins[problem.field]
            throw fail(origin?.node ?? node, origin?.field ?? field, problem.reason)
        }
        return result
    }
}
