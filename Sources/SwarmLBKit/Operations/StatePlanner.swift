/// Decides, for one request of an add/del/set command, what the namespace's current state calls for:
/// nothing (already so), the change itself (or an update in its place), "absent" for a removal of what
/// is not there, "kept" for what another service still uses, or a refusal. A function of the
/// namespace's state and the request: it reads only (`NamespaceState`); each decision carries the
/// changes that undo it. Load-balancer intents go to `Reconciler`, in the order `apply` uses.
struct StatePlanner {
    let state: any NamespaceState

    func decide(_ request: ChangeRequest) throws -> [Transaction.Decision] {
        switch request {
        case .change(let change): return [try decide(change)]
        case let .service(key, scheduler, persistence):
            guard let old = try state.entry(key)?.service else {
                let new = IPVSService(key: key, scheduler: scheduler ?? .rr, persistence: persistence)
                return [.perform(.addService(new), undo: [.deleteService(key)])]
            }
            var new = old
            if let scheduler { new.scheduler = scheduler }
            if let persistence { new.persistence = persistence }
            return [new == old ? .alreadyDone(.addService(new)) : .perform(.updateService(new), undo: [.updateService(old)])]
        case let .real(key, address, port, settings, mustExist):
            guard let old = try state.real(key, .v4(address), port: port) else {
                let new = settings.applied(to: RealServer(address: address, port: port))
                return [mustExist ? .absent(.updateReal(key, new)) : .perform(.addReal(key, new), undo: [.deleteReal(key, new)])]
            }
            let new = settings.applied(to: old)
            if new.sameSettings(as: old) { return [.alreadyDone(mustExist ? .updateReal(key, new) : .addReal(key, new))] }
            return [.perform(.updateReal(key, new), undo: [.updateReal(key, old)])]
        case let .removeVIP(vip, device, mark, chain):
            return try removeVIP(vip, device: device, mark: mark, chain: chain)
        case let .removeVIPAddress(address, except):
            return [try removeVIPAddress(address, except: [except])]
        case let .reconcile(intent, prune):
            return try Reconciler(intent: intent, scope: .file(prune: prune)).plan(state)
        case let .overlayPeers(namespace, set, prune):
            let stale = prune ? try set.staleChanges(state.elsewhere(namespace)) : []
            return try (set.peers.flatMap(\.addChanges) + stale).map { c throws in try decide(.elsewhere(namespace, c)) }
        case .balance(let intent):
            return try Reconciler(intent: intent, scope: .command).plan(state)
        case .balanceIngress(let b):
            return try decide(.balance(LoadBalancerIntent(b.service))) + decide(.change(b.portMark.addChange))
                + decide(.change(.setSysctl(.ipForward, "1")))
        case .unbalanceIngress(let b):
            return try b.deleteRequests(mangle: state.dump(.mangle)).flatMap { r throws in try decide(r) }
        case .publish(let p):
            return try p.addChanges(filter: state.dump(.filter)).map { c throws in try decide(c) }
        case .unpublish(let p):
            return try p.deleteChanges(nat: state.dump(.nat), filter: state.dump(.filter)).map { c throws in try decide(c) }
        case .redirect(let r):
            return try r.addChanges(filter: state.dump(.filter)).map { c throws in try decide(c) }
        case .unredirect(let r):
            return try r.deleteChanges(nat: state.dump(.nat)).map { c throws in try decide(c) }
        }
    }

    private func decide(_ change: KernelChange) throws -> Transaction.Decision {
        switch change {
        case .addAddress(let a):
            return try hasAddress(a) ? .alreadyDone(change) : .perform(change, undo: [.deleteAddress(a)])
        case .deleteAddress(let a):
            return try hasAddress(a) ? .perform(change, undo: [.addAddress(a)]) : .absent(change)
        case let .setLink(name, up):
            return try state.isUp(name) == up ? .alreadyDone(change) : .perform(change, undo: [.setLink(name, up: !up)])

        case let .appendRule(table, chain, rule), let .insertRule(table, chain, _, rule):
            let rules = try state.dump(table).chain(chain)?.rules ?? []
            if rules.contains(rule) { return .alreadyDone(change) }
            if table == MarkRule.table, let mark = MarkRule(chain: chain, rule: rule) { try Self.refuseSecondMark(mark, rules) }
            return .perform(change, undo: [.deleteRule(table, chain: chain, rule)])
        case let .deleteRule(table, chain, rule):
            guard let i = try state.dump(table).chain(chain)?.rules.firstIndex(of: rule) else { return .absent(change) }
            return .perform(change, undo: [.insertRule(table, chain: chain, index: i, rule)])
        case let .createChain(table, chain):
            return try state.dump(table).chain(chain) != nil
                ? .alreadyDone(change) : .perform(change, undo: [.deleteChain(table, chain)])
        case let .deleteChain(table, chain):
            guard let c = try state.dump(table).chain(chain) else { return .absent(change) }
            return .perform(change, undo: [.createChain(table, chain)] + c.rules.map { .appendRule(table, chain: chain, $0) })

        case .addService(let s):
            guard let old = try state.entry(s.key)?.service else { return .perform(change, undo: [.deleteService(s.key)]) }
            return old == s ? .alreadyDone(change) : .perform(.updateService(s), undo: [.updateService(old)])
        case .updateService(let s):
            guard let old = try state.entry(s.key)?.service else { return .absent(change) }
            return old == s ? .alreadyDone(change) : .perform(change, undo: [.updateService(old)])
        case .deleteService(let key):
            guard let old = try state.entry(key) else { return .absent(change) }
            return .perform(change, undo: [.addService(old.service)] + old.reals.map { .addReal(key, $0) })

        case let .addReal(key, r):
            guard let old = try state.real(key, r.address, port: r.port) else { return .perform(change, undo: [.deleteReal(key, r)]) }
            return old.sameSettings(as: r) ? .alreadyDone(change) : .perform(.updateReal(key, r), undo: [.updateReal(key, old)])
        case let .updateReal(key, r):
            guard let old = try state.real(key, r.address, port: r.port) else { return .absent(change) }
            return old.sameSettings(as: r) ? .alreadyDone(change) : .perform(change, undo: [.updateReal(key, old)])
        case let .deleteReal(key, r):
            guard let old = try state.real(key, r.address, port: r.port) else { return .absent(change) }
            return .perform(change, undo: [.addReal(key, old)])

        case let .setSysctl(sysctl, value):
            let old = try state.sysctl(sysctl)
            return old == value ? .alreadyDone(change) : .perform(change, undo: [.setSysctl(sysctl, old)])

        case .addLink, .deleteLink, .setMaster, .addNeighbour, .deleteNeighbour, .addForwardingEntry, .deleteForwardingEntry:
            return try OverlayPlanner(state: state).decide(change)
        case let .elsewhere(namespace, inner):
            switch try StatePlanner(state: state.elsewhere(namespace)).decide(inner) {
            case let .perform(c, undo): return .perform(.elsewhere(namespace, c), undo: undo.map { .elsewhere(namespace, $0) })
            case .alreadyDone(let c): return .alreadyDone(.elsewhere(namespace, c))
            case .absent(let c): return .absent(.elsewhere(namespace, c))
            case let .kept(c, reason): return .kept(.elsewhere(namespace, c), reason: reason)
            case .notFound(let what): return .notFound(what)
            }
        }
    }

    /// A VIP has one mark per chain: a second, different one would silently win over the first.
    static func refuseSecondMark(_ mark: MarkRule, _ chainRules: [IPTablesRule]) throws(Transaction.Failure) {
        guard case .vip(let vip) = mark.selector,
            let other = chainRules.lazy.compactMap({ MarkRule(chain: mark.chain, rule: $0) }).first(where: {
                $0.selector == mark.selector && $0.mark != mark.mark
            })
        else { return }
        throw .refused(
            "\(vip) is already marked \(other.mark.hex) in mangle \(mark.chain); refusing a second mark \(mark.mark.hex) for it "
                + "(remove the first: swarmlb vip del \(vip) --fwm \(other.mark.hex) --chain \(mark.chain))")
    }

    /// `vip del`: all or nothing. When the VIP is on another device than the one given, or marked in
    /// the chain with another mark than the one given, nothing is removed and one line says so.
    private func removeVIP(_ vip: IPv4Address, device: String?, mark: FirewallMark?, chain: String) throws -> [Transaction.Decision] {
        if let device { try state.requireDevice(device) }  // an unknown device is an error, not "absent"
        let assigned = try state.addresses().filter { $0.address == vip && $0.prefixLength == 32 }
        let marks = try state.vipMarks().filter { $0.chain == chain && $0.selector == .vip(vip) }
        if let device, !assigned.isEmpty, !assigned.contains(where: { $0.device == device }) {
            return [.notFound("\(vip)/32 is on \(assigned.map(\.device).sorted().joined(separator: ", ")), not \(device): nothing removed")]
        }
        if let mark, !marks.isEmpty, !marks.contains(where: { $0.mark == mark }) {
            return [
                .notFound(
                    "\(vip) is marked \(marks.map(\.mark.hex).joined(separator: ", ")) in mangle \(chain), not \(mark.hex): nothing removed"
                )
            ]
        }
        let removed = mark.map { m in marks.filter { $0.mark == m } } ?? marks
        let devices = device.map { [$0] } ?? assigned.map(\.device).sorted()
        if removed.isEmpty, devices.isEmpty {
            return [.notFound("\(vip)/32 is not assigned to \(device ?? "any device") and no mangle \(chain) rule sets a mark for it")]
        }
        var decisions = try removed.map { r throws in try decide(r.deleteChange) }
        if removed.isEmpty, let mark { decisions.append(.absent(MarkRule(chain: chain, selector: .vip(vip), mark: mark).deleteChange)) }
        let addresses = try devices.map { d throws in try removeVIPAddress(InterfaceAddress(address: vip, device: d), except: removed) }
        // No rule of the chain to remove and every /32 kept for another chain's mark: the command would remove nothing.
        let reasons = addresses.compactMap { if case .kept(_, let reason) = $0 { reason } else { nil } }
        if decisions.isEmpty, !reasons.isEmpty, reasons.count == addresses.count {
            return [.notFound("no mangle \(chain) rule sets a mark for \(vip) and its /32 stays (\(reasons[0])): nothing removed")]
        }
        return decisions + addresses
    }

    /// A VIP's /32 goes unless a mark rule other than those being removed still sends packets to it.
    private func removeVIPAddress(_ address: InterfaceAddress, except: [MarkRule]) throws -> Transaction.Decision {
        let change = KernelChange.deleteAddress(address)
        guard try hasAddress(address) else { return .absent(change) }
        if let other = try state.vipMarks().first(where: { $0.selector == .vip(address.address) && !except.contains($0) }) {
            return .kept(change, reason: "\(address.address) is still marked \(other.mark.hex) in mangle \(other.chain)")
        }
        return .perform(change, undo: [.addAddress(address)])
    }

    private func hasAddress(_ a: InterfaceAddress) throws(KernelError) -> Bool {
        if state.plannedLinks.contains(a.device) { return false }
        try state.requireDevice(a.device)  // an unknown device is an error, not "absent"
        return try state.addresses().contains(a)
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
        case .deleteNeighbour(let n): return "no neighbour entry for \(n.address) on \(n.device)"
        case .deleteForwardingEntry(let f): return "no fdb entry \(f.mac) dst \(f.destination) on \(f.device)"
        case .deleteLink(let name): return "no device \(name)"
        case let .elsewhere(ns, c): return absenceText(c, iptables: iptables) + " in \(ns.path)"
        default: return change.command(iptables: iptables)
        }
    }
}
