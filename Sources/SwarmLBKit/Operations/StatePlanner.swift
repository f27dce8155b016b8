/// Decides, for one requested change, what the kernel's current state calls for:
/// nothing (already so), the change itself (or an update in its place), or "absent" for a removal.
/// Reads only, each firewall table once per plan; each decision carries the changes that would undo it.
struct StatePlanner {
    let kernel: Kernel
    private var tables: [FirewallTable: IPTablesDump] = [:]

    init(kernel: Kernel) { self.kernel = kernel }

    mutating func decide(_ change: KernelChange) throws(KernelError) -> Transaction.Decision {
        switch change {
        case .addAddress(let a):
            return try hasAddress(a) ? .alreadyDone(change) : .perform(change, undo: [.deleteAddress(a)])
        case .deleteAddress(let a):
            return try hasAddress(a) ? .perform(change, undo: [.addAddress(a)]) : .absent(change)
        case let .setLink(name, up):
            return try kernel.links().isUp(name) == up ? .alreadyDone(change) : .perform(change, undo: [.setLink(name, up: !up)])

        case let .appendRule(table, chain, rule), let .insertRule(table, chain, _, rule):
            return try dump(table).chain(chain)?.rules.contains(rule) == true ? .alreadyDone(change)
                : .perform(change, undo: [.deleteRule(table, chain: chain, rule)])
        case let .deleteRule(table, chain, rule):
            guard let i = try dump(table).chain(chain)?.rules.firstIndex(of: rule) else { return .absent(change) }
            return .perform(change, undo: [.insertRule(table, chain: chain, index: i, rule)])
        case let .createChain(table, chain):
            return try dump(table).chain(chain) != nil ? .alreadyDone(change) : .perform(change, undo: [.deleteChain(table, chain)])
        case let .deleteChain(table, chain):
            guard let c = try dump(table).chain(chain) else { return .absent(change) }
            return .perform(change, undo: [.createChain(table, chain)] + c.rules.map { .appendRule(table, chain: chain, $0) })

        case .addService(let s):
            guard let old = try kernel.ipvs().service(s.key) else { return .perform(change, undo: [.deleteService(s.key)]) }
            return old == s ? .alreadyDone(change) : .perform(.updateService(s), undo: [.updateService(old)])
        case .updateService(let s):
            guard let old = try kernel.ipvs().service(s.key) else { return .absent(change) }
            return old == s ? .alreadyDone(change) : .perform(change, undo: [.updateService(old)])
        case .deleteService(let key):
            guard let old = try kernel.ipvs().service(key) else { return .absent(change) }
            let reals = try kernel.ipvs().reals(of: key)
            return .perform(change, undo: [.addService(old)] + reals.map { .addReal(key, $0) })

        case let .addReal(key, r):
            guard let old = try existingReal(key, r) else { return .perform(change, undo: [.deleteReal(key, r)]) }
            return old.sameSettings(as: r) ? .alreadyDone(change) : .perform(.updateReal(key, r), undo: [.updateReal(key, old)])
        case let .updateReal(key, r):
            guard let old = try existingReal(key, r) else { return .absent(change) }
            return old.sameSettings(as: r) ? .alreadyDone(change) : .perform(change, undo: [.updateReal(key, old)])
        case let .deleteReal(key, r):
            guard let old = try existingReal(key, r) else { return .absent(change) }
            return .perform(change, undo: [.addReal(key, old)])

        case let .setSysctl(sysctl, value):
            let old = try sysctl.read()
            return old == value ? .alreadyDone(change) : .perform(change, undo: [.setSysctl(sysctl, old)])
        }
    }

    private func hasAddress(_ a: InterfaceAddress) throws(KernelError) -> Bool {
        _ = try kernel.links().device(a.device)  // an unknown device is an error, not "absent"
        return try kernel.addresses().addresses().contains(a)
    }

    /// The table as it was when planning began, read once.
    private mutating func dump(_ name: FirewallTable) throws(KernelError) -> IPTablesDump {
        if let t = tables[name] { return t }
        let t = try kernel.firewallForWriting().dump(name)
        tables[name] = t
        return t
    }

    /// The real server at the same address and port, or nil (also when the service does not exist yet).
    private func existingReal(_ key: IPVSService.Key, _ r: RealServer) throws(KernelError) -> RealServer? {
        guard try kernel.ipvs().service(key) != nil else { return nil }
        return try kernel.ipvs().reals(of: key).first { $0.address == r.address && $0.port == r.port }
    }

    /// One line saying what a removal did not find.
    static func absenceText(_ change: KernelChange, iptables: String) -> String {
        switch change {
        case .deleteAddress(let a): return "\(a.address)/\(a.prefixLength) is not assigned to \(a.device)"
        case let .deleteRule(t, chain, r): return "no rule \"-A \(chain) \(r.specification)\" in table \(t.rawValue)"
        case let .deleteChain(t, chain): return "no chain \(chain) in table \(t.rawValue)"
        case .deleteService(let k): return "no IPVS service \(k)"
        case .updateService(let s): return "no IPVS service \(s.key)"
        case let .deleteReal(k, r), let .updateReal(k, r): return "no real server \(r.endpoint) in \(k)"
        default: return change.command(iptables: iptables)
        }
    }
}
