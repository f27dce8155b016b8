/// Compares a namespace with a `LoadBalancerIntent` and lists only the changes that make it so,
/// each with its undo, in an order that keeps traffic flowing: VIPs, then FWM services, then new
/// and re-weighted real servers, then the mark rules (a VIP is marked only once its FWM service
/// exists), the SNAT rule and sysctls, and last the removals: a removed task drained (weight 0)
/// before its real server goes, a mark rule before its service, a service before its VIP.
/// `swarmlb apply`, and in the same order `service add` and `ingress balance` (one-service intents).
///
/// What `apply` owns: for the services of its file, their real servers (a task the file drops is
/// drained and deleted), the mark rules of their VIPs in INPUT and OUTPUT (one mark, in the file's
/// chain) and the ipvs SNAT rule of the file's subnet. A one-service command owns none of that: it
/// adds and updates what it names, says what is already so, and removes nothing.
///
/// What `--prune` owns, and so may remove when the file does not name it: IPv4 fwmark IPVS
/// services, mangle INPUT/OUTPUT rules `-d VIP/32 -j MARK --set-xmark MARK/0xffffffff`, the VIP
/// /32 addresses on the device that such a rule marks, and `-m ipvs --ipvs -j SNAT` rules in nat
/// POSTROUTING. Nothing else is touched: TCP/UDP/SCTP and IPv6 services, port marks, other
/// addresses, filter rules and other chains.
struct Reconciler {
    /// What the plan may remove.
    enum Scope: Hashable, Sendable {
        /// `service add`, `ingress balance`: nothing; what is already so is reported as such.
        case command
        /// `apply`: what the file's services own; with `prune`, also what apply owns and the file does not name.
        case file(prune: Bool)
    }

    let intent: LoadBalancerIntent
    let scope: Scope

    /// The mangle chains whose VIP mark rules `apply` owns: Docker's two models.
    static let ownedChains: Set<String> = ["INPUT", "OUTPUT"]

    private var prune: Bool { scope == .file(prune: true) }
    private var owning: Bool { scope != .command }

    /// The IPVS state of one wanted service. `apply` reads every service in one listing; a command,
    /// one service, as every one-object command does.
    private func serviceState(_ svc: LoadBalancerIntent.Service, _ state: any NamespaceState) throws(KernelError) -> FwmarkServiceState {
        guard owning else { return try state.entry(.fwmark(svc.mark)).map { .present($0.service) } ?? .absent }
        return try state.fwmarkService(svc.mark, unlessSettledAs: svc.scheduler, reals: svc.reals)
    }

    /// The service's reals when they may differ from the wanted ones; nil when the service is settled.
    private func unsettledReals(_ svc: LoadBalancerIntent.Service, _ state: any NamespaceState) throws(KernelError) -> [RealServer]? {
        switch try serviceState(svc, state) {
        case .settled: nil
        case .absent: []
        case .present: owning ? try state.reals(of: svc.mark) : try state.entry(.fwmark(svc.mark))?.reals ?? []
        }
    }

    /// Reads, in one pass before planning, every part of the namespace `plan` will ask for (the
    /// link `lo` and the pruned services' reals excepted: they are read only when needed).
    func read(_ state: any NamespaceState) throws(KernelError) {
        _ = try state.addresses()
        _ = try state.dump(.mangle)
        for svc in intent.services { _ = try unsettledReals(svc, state) }
        _ = try state.dump(.nat)
        for (sysctl, _) in sysctls { _ = try state.sysctl(sysctl) }
        if prune { _ = try state.fwmarkServices() }
    }

    private var sysctls: [(Sysctl, String)] {
        (intent.snat == nil ? [] : [(.ipvsConntrack, "1")]) + (intent.loadBalancerTuning ? ServiceRecipe.loadBalancerTuning : [])
    }

    /// Throws `Transaction.Failure.refused` when the file gives one VIP two marks, or (without `prune`)
    /// when the chain already marks a VIP of the file with a mark the file does not name.
    func plan(_ state: any NamespaceState) throws -> [Transaction.Decision] {
        var d: [Transaction.Decision] = []
        func perform(_ change: KernelChange, _ undo: [KernelChange]) { d.append(.perform(change, undo: undo)) }
        func unchanged(_ change: KernelChange) { if !owning { d.append(.alreadyDone(change)) } }
        let wanted = Dictionary(intent.services.map { ($0.mark, $0) }, uniquingKeysWith: { first, _ in first })
        var wantedVIPs: [IPv4Address: LoadBalancerIntent.Service] = [:]
        for svc in intent.services {
            if let other = wantedVIPs.updateValue(svc, forKey: svc.vip) {
                throw Transaction.Failure.refused(
                    "\(svc.vip) is given mark \(other.mark.hex) (\(other.name)) and \(svc.mark.hex) (\(svc.name)) "
                        + "in the services file; one VIP has one mark in mangle \(intent.chain)")
            }
        }
        if !owning { try state.requireDevice(intent.device) }  // apply checked it; an unknown device is an error, not "absent"
        let addresses = try state.addresses()
        let mangle = try state.dump(.mangle)

        // VIPs first: an address with no mark on it yet changes no packet.
        for svc in intent.services {
            let address = InterfaceAddress(address: svc.vip, device: intent.device)
            if !addresses.contains(address) {
                perform(.addAddress(address), [.deleteAddress(address)])
            } else {
                unchanged(.addAddress(address))
            }
        }
        // FWM services: new ones, and a scheduler the file changed (other settings kept).
        for svc in intent.services {
            switch try serviceState(svc, state) {
            case .absent:
                perform(.addService(IPVSService(key: .fwmark(svc.mark), scheduler: svc.scheduler)), [.deleteService(.fwmark(svc.mark))])
            case .settled: break
            case .present(let old) where old.scheduler != svc.scheduler:
                var new = old
                new.scheduler = svc.scheduler
                perform(.updateService(new), [.updateService(old)])
            case .present(let old): unchanged(.addService(old))
            }
        }
        // New and re-weighted real servers, before any is removed; IPVS wants lo up for them.
        var realChanges: [Transaction.Decision] = []
        for svc in intent.services {
            guard let current = try unsettledReals(svc, state) else { continue }
            let key = IPVSService.Key.fwmark(svc.mark)
            for (address, weight) in svc.reals.sorted(by: { $0.key < $1.key }) {
                guard let old = current.first(where: { $0.address == .v4(address) && $0.port == 0 }) else {
                    let real = RealServer(address: address, weight: weight)
                    realChanges.append(.perform(.addReal(key, real), undo: [.deleteReal(key, real)]))
                    continue
                }
                if old.weight != weight || old.forwarding != .masq {
                    var new = old
                    new.weight = weight
                    new.forwarding = .masq
                    realChanges.append(.perform(.updateReal(key, new), undo: [.updateReal(key, old)]))
                } else if !owning {
                    realChanges.append(.alreadyDone(.addReal(key, old)))
                }
            }
        }
        if realChanges.contains(where: { if case .perform = $0 { true } else { false } }), try !state.isUp("lo") {
            perform(.setLink("lo", up: true), [.setLink("lo", up: false)])
        } else if !realChanges.isEmpty {
            unchanged(.setLink("lo", up: true))
        }
        d += realChanges

        // Mark rules: the wanted ones, then those for a wanted VIP with another mark, then (prune) the rest.
        let markRules = mangle.chains.filter { Self.ownedChains.contains($0.name) || $0.name == intent.chain }.flatMap { c in
            c.rules.enumerated().compactMap { i, r in MarkRule(chain: c.name, rule: r).map { (rule: $0, index: i) } }
        }.filter { if case .vip = $0.rule.selector { return true } else { return false } }
        let present = Set(markRules.map(\.rule))
        // Rules of the chain setting marks the file does not name: without --prune a VIP of the file they mark is refused.
        let unnamedMarks = (mangle.chain(intent.chain)?.rules ?? []).filter { r in
            MarkRule(chain: intent.chain, rule: r).map { wanted[$0.mark] == nil } ?? false
        }
        for svc in intent.services {
            let rule = MarkRule(chain: intent.chain, selector: .vip(svc.vip), mark: svc.mark)
            guard !present.contains(rule) else {
                unchanged(rule.addChange)
                continue
            }
            if !prune { try StatePlanner.refuseSecondMark(rule, unnamedMarks) }
            perform(rule.addChange, [rule.deleteChange])
        }
        var unmarkedVIPs: [IPv4Address] = []
        for (rule, index) in markRules.reversed() where owning {
            guard case .vip(let vip) = rule.selector else { continue }
            let stale = wantedVIPs[vip] != nil ? (wanted[rule.mark]?.vip != vip || rule.chain != intent.chain) : prune
            guard stale else { continue }
            perform(rule.deleteChange, [.insertRule(MarkRule.table, chain: rule.chain, index: index, rule.rule)])
            if wantedVIPs[vip] == nil { unmarkedVIPs.append(vip) }
        }

        // The ipvs SNAT rule and the sysctls it (and Docker's load-balancer namespace) needs.
        let natRules = try state.dump(.nat).chain(SNATRule.chain)?.rules ?? []
        if let snat = intent.snat, !natRules.contains(snat.rule) {
            perform(.appendRule(SNATRule.table, chain: SNATRule.chain, snat.rule), [snat.deleteChange])
        } else if let snat = intent.snat {
            unchanged(.appendRule(SNATRule.table, chain: SNATRule.chain, snat.rule))
        }
        for (index, rule) in natRules.enumerated().reversed() where owning {
            guard let old = SNATRule(rule: rule), old != intent.snat, prune || old.subnet == intent.snat?.subnet else { continue }
            perform(old.deleteChange, [.insertRule(SNATRule.table, chain: SNATRule.chain, index: index, rule)])
        }
        for (sysctl, value) in sysctls {
            let old = try state.sysctl(sysctl)
            if old != value { perform(.setSysctl(sysctl, value), [.setSysctl(sysctl, old)]) } else { unchanged(.setSysctl(sysctl, value)) }
        }

        // Removed tasks: drained, then deleted.
        for svc in intent.services where owning {
            guard let current = try unsettledReals(svc, state) else { continue }
            let key = IPVSService.Key.fwmark(svc.mark)
            for old in current where !(old.port == 0 && old.address.ipv4.map { svc.reals[$0] != nil } == true) {
                var drained = old
                drained.weight = 0
                if old.weight != 0 { perform(.updateReal(key, drained), [.updateReal(key, old)]) }
                perform(.deleteReal(key, drained), [.addReal(key, drained)])
            }
        }
        guard prune else { return d }
        // Services the file does not name (their mark rules went above), then their VIPs.
        for (mark, service) in try state.fwmarkServices().sorted(by: { $0.key < $1.key }) where wanted[mark] == nil {
            let reals = try state.entry(.fwmark(mark))?.reals ?? []
            perform(.deleteService(.fwmark(mark)), [.addService(service)] + reals.map { .addReal(.fwmark(mark), $0) })
        }
        for vip in Set(unmarkedVIPs).sorted() {
            let address = InterfaceAddress(address: vip, device: intent.device)
            if addresses.contains(address) { perform(.deleteAddress(address), [.addAddress(address)]) }
        }
        return d
    }
}
