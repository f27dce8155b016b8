/// Performs kernel changes: a run of rule changes to one table as one firewall commit (one libiptc
/// commit or one nf_tables batch); runs of consecutive IPVS changes, of address changes, and of
/// neighbour and FDB changes in one namespace (an overlay's peers), as pipelined netlink messages
/// (sent without waiting for each answer, every answer checked); links and sysctls one at a time.
struct ChangeExecutor {
    let kernel: Kernel

    /// What `perform` ended with: the steps that failed (by position, the first first) and whether it
    /// stopped early because `shouldStop` said so.
    struct Outcome {
        var failures: [(step: Int, error: KernelError)] = []
        var stopped = false
    }

    /// Performs the steps in order (each a run of rule changes to one table, or one other change),
    /// calling `made` with the position of each step made. Consecutive one-change IPVS steps, and
    /// address steps, and neighbour and FDB steps of one namespace, go out as one pipelined run; `shouldStop` is asked before each run.
    /// Stops at the first failed run unless `keepGoing` (a rollback undoes all it can).
    func perform(
        _ steps: [[KernelChange]], keepGoing: Bool = false, made: (Int) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) -> Outcome {
        var outcome = Outcome()
        var i = 0
        while i < steps.count {
            if shouldStop() {
                outcome.stopped = true
                return outcome
            }
            var end = i + 1
            if let kind = Self.pipelineKind(steps[i]) { while end < steps.count, Self.pipelineKind(steps[end]) == kind { end += 1 } }
            if end - i > 1 {
                do throws(KernelError) {
                    let run = try pipeline(steps[i..<end].map { $0[0] })
                    for k in 0..<run.sent where run.failures[k] == nil { made(i + k) }
                    outcome.failures += run.failures.keys.sorted().map { (i + $0, run.failures[$0]!) }
                } catch {
                    outcome.failures.append((i, error))
                }
            } else {
                do throws(KernelError) {
                    try run(steps[i])
                    made(i)
                } catch {
                    outcome.failures.append((i, error))
                }
            }
            if !outcome.failures.isEmpty, !keepGoing { return outcome }
            i = end
        }
        return outcome
    }

    /// The netlink socket a one-change step can be pipelined on, if any: neighbour tables by
    /// namespace (nil: this one), as `apply --overlay` writes peers in the overlay namespace.
    private enum PipelineKind: Equatable { case ipvs, addresses, neighbours(NetNamespace?) }

    private static func pipelineKind(_ step: [KernelChange]) -> PipelineKind? {
        guard step.count == 1 else { return nil }
        switch step[0] {
        case .addService, .updateService, .deleteService, .addReal, .updateReal, .deleteReal: return .ipvs
        case .addAddress, .deleteAddress: return .addresses
        case .addNeighbour, .deleteNeighbour, .addForwardingEntry, .deleteForwardingEntry: return .neighbours(nil)
        case let .elsewhere(ns, c) where neighbourWrite(c) != nil: return .neighbours(ns)
        default: return nil
        }
    }

    /// A run of IPVS changes, of address changes, or of neighbour changes (as `pipelineKind` groups them), pipelined.
    private func pipeline(_ changes: [KernelChange]) throws(KernelError) -> NetlinkSocket.Outcome {
        switch Self.pipelineKind([changes[0]]) {
        case .addresses: return try kernel.addresses().pipeline(changes.compactMap(Self.addressWrite))
        case .neighbours(let ns):
            let writes = changes.compactMap { c in
                if case .elsewhere(_, let inner) = c { return Self.neighbourWrite(inner) }
                return Self.neighbourWrite(c)
            }
            let target = try ns.map { ns throws(KernelError) in try kernel.kernel(in: ns) } ?? kernel
            return try target.neighbours().pipeline(writes)
        default: return try kernel.ipvs().pipeline(changes.compactMap(Self.ipvsWrite))
        }
    }

    private static func neighbourWrite(_ change: KernelChange) -> NeighbourTable.Write? {
        switch change {
        case let .addNeighbour(n, replace): return .addNeighbour(n, replace: replace)
        case .deleteNeighbour(let n): return .deleteNeighbour(n)
        case let .addForwardingEntry(f, replace): return .addForwarding(f, replace: replace)
        case .deleteForwardingEntry(let f): return .deleteForwarding(f)
        default: return nil
        }
    }

    private static func addressWrite(_ change: KernelChange) -> AddressTable.Write? {
        switch change {
        case .addAddress(let a): return .add(a)
        case .deleteAddress(let a): return .delete(a)
        default: return nil
        }
    }

    private static func ipvsWrite(_ change: KernelChange) -> IPVSTable.Write? {
        switch change {
        case .addService(let s): return .addService(s)
        case .updateService(let s): return .updateService(s)
        case .deleteService(let k): return .deleteService(k)
        case let .addReal(k, r): return .addReal(r, k)
        case let .updateReal(k, r): return .updateReal(r, k)
        case let .deleteReal(k, r): return .deleteReal(r, k)
        default: return nil
        }
    }

    /// One step: a run of rule changes to one table committed at once (all or nothing), or one other change.
    func run(_ changes: [KernelChange]) throws(KernelError) {
        guard changes.count == 1, changes[0].firewallEdit == nil else { return try commit(changes) }
        switch changes[0] {
        case .addAddress(let a): try kernel.addresses().add(a)
        case .deleteAddress(let a): try kernel.addresses().delete(a)
        case let .setLink(name, up): try kernel.links().set(name, up: up)
        case .addService(let s): try kernel.ipvs().add(s)
        case .updateService(let s): try kernel.ipvs().update(s)
        case .deleteService(let k): try kernel.ipvs().delete(k)
        case let .addReal(k, r): try kernel.ipvs().add(r, to: k)
        case let .updateReal(k, r): try kernel.ipvs().update(r, in: k)
        case let .deleteReal(k, r): try kernel.ipvs().delete(r, from: k)
        case let .setSysctl(s, v): try s.write(v)
        case .addLink(let l):
            if case .vxlan(let v) = l.kind, let underlay = v.underlay {
                let overlay = NetNamespace(verified: v.overlay ?? NetNamespace.current.path)
                try kernel.kernel(in: NetNamespace(verified: underlay)).links().create(l, into: overlay)
            } else {
                try kernel.links().create(l)
            }
        case .deleteLink(let name): try kernel.links().delete(name)
        case let .setMaster(name, master): try kernel.links().setMaster(name, master: master)
        case let .addNeighbour(n, replace): try kernel.neighbours().add(n, replace: replace)
        case .deleteNeighbour(let n): try kernel.neighbours().delete(n)
        case let .addForwardingEntry(f, replace): try kernel.neighbours().add(f, replace: replace)
        case .deleteForwardingEntry(let f): try kernel.neighbours().delete(f)
        case let .elsewhere(ns, c): try ChangeExecutor(kernel: kernel.kernel(in: ns)).run([c])
        case .appendRule, .insertRule, .deleteRule, .createChain, .deleteChain: try commit(changes)
        }
    }

    private func commit(_ changes: [KernelChange]) throws(KernelError) {
        let edits = changes.compactMap(\.firewallEdit)
        guard let table = edits.first?.table else { return }
        try kernel.firewallForWriting().commit(table, edits.map(\.edit))
    }
}
