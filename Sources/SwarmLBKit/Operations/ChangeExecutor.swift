/// Performs kernel changes: one at a time for addresses, links, IPVS and sysctls, and a run of
/// rule changes to one table as one firewall commit (one libiptc commit or one nf_tables batch).
struct ChangeExecutor {
    let kernel: Kernel

    func perform(_ change: KernelChange) throws(KernelError) {
        switch change {
        case .addAddress(let a): try kernel.addresses().add(a)
        case .deleteAddress(let a): try kernel.addresses().delete(a)
        case let .setLink(name, up): try kernel.links().set(name, up: up)
        case .appendRule, .insertRule, .deleteRule, .createChain, .deleteChain: try commit([change])
        case .addService(let s): try kernel.ipvs().add(s)
        case .updateService(let s): try kernel.ipvs().update(s)
        case .deleteService(let k): try kernel.ipvs().delete(k)
        case let .addReal(k, r): try kernel.ipvs().add(r, to: k)
        case let .updateReal(k, r): try kernel.ipvs().update(r, in: k)
        case let .deleteReal(k, r): try kernel.ipvs().delete(r, from: k)
        case let .setSysctl(s, v): try s.write(v)
        }
    }

    /// One step of a transaction: a run of rule changes to one table, or one other change.
    func run(_ changes: [KernelChange]) throws(KernelError) {
        if changes.count == 1, changes[0].firewallEdit == nil { try perform(changes[0]) } else { try commit(changes) }
    }

    /// Rule changes to one table, committed at once: all or nothing.
    func commit(_ changes: [KernelChange]) throws(KernelError) {
        let edits = changes.compactMap(\.firewallEdit)
        guard let table = edits.first?.table else { return }
        try kernel.firewallForWriting().commit(table, edits.map(\.edit))
    }
}
