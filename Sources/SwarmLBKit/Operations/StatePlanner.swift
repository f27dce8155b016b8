import Glibc

/// Decides, for one requested change, what the kernel's current state calls for:
/// nothing (already so), the change itself (or an update in its place), or "absent" for a removal.
/// Reads only; each decision carries the changes that would undo it.
struct StatePlanner {
    let kernel: Kernel

    func decide(_ change: KernelChange) throws(KernelError) -> Transaction.Decision {
        switch change {
        case .addAddress(let a):
            return try hasAddress(a) ? .alreadyDone(change) : .perform(change, undo: [.deleteAddress(a)])
        case .deleteAddress(let a):
            return try hasAddress(a) ? .perform(change, undo: [.addAddress(a)]) : .absent(change)
        case let .setLink(name, up):
            return try kernel.links().isUp(name) == up ? .alreadyDone(change) : .perform(change, undo: [.setLink(name, up: !up)])

        case let .appendRule(table, chain, rule), let .insertRule(table, chain, _, rule):
            return try ruleIndex(table, chain, rule) != nil ? .alreadyDone(change)
                : .perform(change, undo: [.deleteRule(table, chain: chain, rule)])
        case let .deleteRule(table, chain, rule):
            guard let i = try ruleIndex(table, chain, rule) else { return .absent(change) }
            return .perform(change, undo: [.insertRule(table, chain: chain, index: i, rule)])
        case let .createChain(table, chain):
            return try IPTablesTable.read(table).exists(chain: chain) ? .alreadyDone(change)
                : .perform(change, undo: [.deleteChain(table, chain)])
        case let .deleteChain(table, chain):
            let t = try IPTablesTable.read(table)
            guard t.exists(chain: chain) else { return .absent(change) }
            return .perform(change, undo: [.createChain(table, chain)]
                + t.rules(in: chain).map { .appendRule(table, chain: chain, $0) })

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

    private func ruleIndex(_ table: FirewallTable, _ chain: String, _ rule: IPTablesRule) throws(KernelError) -> Int? {
        let t = try IPTablesTable.read(table)
        guard t.exists(chain: chain) else { return nil }
        return t.rules(in: chain).firstIndex(of: rule)
    }

    /// The real server at the same address and port, or nil (also when the service does not exist yet).
    private func existingReal(_ key: IPVSService.Key, _ r: RealServer) throws(KernelError) -> RealServer? {
        guard try kernel.ipvs().service(key) != nil else { return nil }
        return try kernel.ipvs().reals(of: key).first { $0.address == r.address && $0.port == r.port }
    }

    /// One line saying what a removal did not find.
    static func absenceText(_ change: KernelChange) -> String {
        switch change {
        case .deleteAddress(let a): return "\(a.address)/\(a.prefixLength) is not assigned to \(a.device)"
        case let .deleteRule(t, chain, r): return "no rule \"-A \(chain) \(r.specification)\" in table \(t.rawValue)"
        case let .deleteChain(t, chain): return "no chain \(chain) in table \(t.rawValue)"
        case .deleteService(let k): return "no IPVS service \(k)"
        case .updateService(let s): return "no IPVS service \(s.key)"
        case let .deleteReal(k, r), let .updateReal(k, r): return "no real server \(r.endpoint) in \(k)"
        default: return change.command
        }
    }
}

/// Performs one kernel change. Rule changes re-check the table under the xtables lock,
/// so a rule another writer added meanwhile is not duplicated.
struct ChangeExecutor {
    let kernel: Kernel

    func perform(_ change: KernelChange) throws(KernelError) {
        switch change {
        case .addAddress(let a): try kernel.addresses().add(a)
        case .deleteAddress(let a): try kernel.addresses().delete(a)
        case let .setLink(name, up): try kernel.links().set(name, up: up)
        case let .appendRule(table, chain, rule):
            try IPTablesTable.modify(table) { t throws(KernelError) in
                if !t.rules(in: chain).contains(rule) { try t.append(rule, to: chain) }
            }
        case let .insertRule(table, chain, index, rule):
            try IPTablesTable.modify(table) { t throws(KernelError) in
                let rules = t.rules(in: chain)
                if !rules.contains(rule) { try t.insert(rule, in: chain, at: min(index, rules.count)) }
            }
        case let .deleteRule(table, chain, rule):
            try IPTablesTable.modify(table) { t throws(KernelError) in
                if let i = t.rules(in: chain).firstIndex(of: rule) { try t.delete(ruleAt: i, in: chain) }
            }
        case let .createChain(table, chain):
            try IPTablesTable.modify(table) { t throws(KernelError) in
                if !t.exists(chain: chain) { try t.create(chain: chain) }
            }
        case let .deleteChain(table, chain):
            try IPTablesTable.modify(table) { t throws(KernelError) in
                if t.exists(chain: chain) {
                    try t.flush(chain: chain)
                    try t.delete(chain: chain)
                }
            }
        case .addService(let s): try kernel.ipvs().add(s)
        case .updateService(let s): try kernel.ipvs().update(s)
        case .deleteService(let k): try kernel.ipvs().delete(k)
        case let .addReal(k, r): try kernel.ipvs().add(r, to: k)
        case let .updateReal(k, r): try kernel.ipvs().update(r, in: k)
        case let .deleteReal(k, r): try kernel.ipvs().delete(r, from: k)
        case let .setSysctl(s, v): try s.write(v)
        }
    }
}
