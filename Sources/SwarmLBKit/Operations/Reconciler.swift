/// Compares a namespace with a `LoadBalancerIntent` and lists only the changes that make it so,
/// each with its undo, in an order that keeps traffic flowing: VIPs, then FWM services, then new
/// and re-weighted real servers, then the mark rules (a VIP is marked only once its FWM service
/// exists), the SNAT rule and sysctls, and last the removals: a removed task drained (weight 0)
/// before its real server goes, a mark rule before its service, a service before its VIP.
/// `swarmlb apply`.
///
/// What `--prune` owns, and so may remove when the file does not name it: IPv4 fwmark IPVS
/// services, mangle INPUT/OUTPUT rules `-d VIP/32 -j MARK --set-xmark MARK/0xffffffff`, the VIP
/// /32 addresses on the device that such a rule marks, and `-m ipvs --ipvs -j SNAT` rules in nat
/// POSTROUTING. Nothing else is touched: TCP/UDP/SCTP and IPv6 services, port marks, other
/// addresses, filter rules and other chains.
struct Reconciler {
    let intent: LoadBalancerIntent
    let prune: Bool

    /// The mangle chains whose VIP mark rules `apply` owns: Docker's two models.
    static let ownedChains: Set<String> = ["INPUT", "OUTPUT"]

    /// Throws `Transaction.Failure.refused` when the file gives one VIP two marks, or (without `prune`)
    /// when the chain already marks a VIP of the file with a mark the file does not name.
    func plan(_ snapshot: NamespaceSnapshot) throws -> [Transaction.Decision] {
        var d: [Transaction.Decision] = []
        func perform(_ change: KernelChange, _ undo: [KernelChange]) { d.append(.perform(change, undo: undo)) }
        let wanted = Dictionary(intent.services.map { ($0.mark, $0) }, uniquingKeysWith: { first, _ in first })
        var wantedVIPs: [IPv4Address: LoadBalancerIntent.Service] = [:]
        for svc in intent.services {
            if let other = wantedVIPs.updateValue(svc, forKey: svc.vip) {
                throw Transaction.Failure.refused(
                    "\(svc.vip) is given mark \(other.mark.hex) (\(other.name)) and \(svc.mark.hex) (\(svc.name)) "
                        + "in the services file; one VIP has one mark in mangle \(intent.chain)")
            }
        }
        func state(_ svc: LoadBalancerIntent.Service) throws(KernelError) -> NamespaceSnapshot.FwmarkServiceState {
            try snapshot.fwmarkService(svc.mark, unlessSettledAs: svc.scheduler, reals: svc.reals)
        }
        /// The service's reals when they may differ from the wanted ones; nil when the service is settled.
        func unsettledReals(_ svc: LoadBalancerIntent.Service) throws(KernelError) -> [RealServer]? {
            switch try state(svc) {
            case .settled: nil
            case .absent: []
            case .present: try snapshot.reals(of: svc.mark, unlessExactly: svc.reals)
            }
        }
        let addresses = try snapshot.addresses()
        let mangle = try snapshot.dump(.mangle)

        // VIPs first: an address with no mark on it yet changes no packet.
        for svc in intent.services {
            let address = InterfaceAddress(address: svc.vip, device: intent.device)
            if !addresses.contains(address) { perform(.addAddress(address), [.deleteAddress(address)]) }
        }
        // FWM services: new ones, and a scheduler the file changed (other settings kept).
        for svc in intent.services {
            switch try state(svc) {
            case .absent:
                perform(.addService(IPVSService(key: .fwmark(svc.mark), scheduler: svc.scheduler)), [.deleteService(.fwmark(svc.mark))])
            case .settled: break
            case .present(let old) where old.scheduler != svc.scheduler:
                var new = old
                new.scheduler = svc.scheduler
                perform(.updateService(new), [.updateService(old)])
            case .present: break
            }
        }
        // New and re-weighted real servers, before any is removed; IPVS wants lo up for them.
        var realChanges: [Transaction.Decision] = []
        for svc in intent.services {
            guard let current = try unsettledReals(svc) else { continue }
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
                }
            }
        }
        if !realChanges.isEmpty, try !snapshot.isUp("lo") { perform(.setLink("lo", up: true), [.setLink("lo", up: false)]) }
        d += realChanges

        // Mark rules: the wanted ones, then those for a wanted VIP with another mark, then (prune) the rest.
        let markRules = mangle.chains.filter { Self.ownedChains.contains($0.name) }.flatMap { c in
            c.rules.enumerated().compactMap { i, r in MarkRule(chain: c.name, rule: r).map { (rule: $0, index: i) } }
        }.filter { if case .vip = $0.rule.selector { return true } else { return false } }
        let present = Set(markRules.map(\.rule))
        // Rules of the chain setting marks the file does not name: without --prune a VIP of the file they mark is refused.
        let unnamedMarks = (mangle.chain(intent.chain)?.rules ?? []).filter { r in
            MarkRule(chain: intent.chain, rule: r).map { wanted[$0.mark] == nil } ?? false
        }
        for svc in intent.services {
            let rule = MarkRule(chain: intent.chain, selector: .vip(svc.vip), mark: svc.mark)
            guard !present.contains(rule) else { continue }
            if !prune { try StatePlanner.refuseSecondMark(rule, unnamedMarks) }
            perform(rule.addChange, [rule.deleteChange])
        }
        var unmarkedVIPs: [IPv4Address] = []
        for (rule, index) in markRules.reversed() {
            guard case .vip(let vip) = rule.selector else { continue }
            let stale = wantedVIPs[vip] != nil ? (wanted[rule.mark]?.vip != vip || rule.chain != intent.chain) : prune
            guard stale else { continue }
            perform(rule.deleteChange, [.insertRule(MarkRule.table, chain: rule.chain, index: index, rule.rule)])
            if wantedVIPs[vip] == nil { unmarkedVIPs.append(vip) }
        }

        // The ipvs SNAT rule and the sysctls it (and Docker's load-balancer namespace) needs.
        let natRules = try snapshot.dump(.nat).chain(SNATRule.chain)?.rules ?? []
        if let snat = intent.snat, !natRules.contains(snat.rule) {
            perform(.appendRule(SNATRule.table, chain: SNATRule.chain, snat.rule), [snat.deleteChange])
        }
        for (index, rule) in natRules.enumerated().reversed() {
            guard let old = SNATRule(rule: rule), old != intent.snat, prune || old.subnet == intent.snat?.subnet else { continue }
            perform(old.deleteChange, [.insertRule(SNATRule.table, chain: SNATRule.chain, index: index, rule)])
        }
        var sysctls: [(Sysctl, String)] = intent.snat == nil ? [] : [(.ipvsConntrack, "1")]
        if intent.loadBalancerTuning { sysctls += ServiceRecipe.loadBalancerTuning }
        for (sysctl, value) in sysctls {
            let old = try snapshot.sysctl(sysctl)
            if old != value { perform(.setSysctl(sysctl, value), [.setSysctl(sysctl, old)]) }
        }

        // Removed tasks: drained, then deleted.
        for svc in intent.services {
            guard let current = try unsettledReals(svc) else { continue }
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
        for (mark, service) in try snapshot.fwmarkServices().sorted(by: { $0.key < $1.key }) where wanted[mark] == nil {
            let reals = try snapshot.entry(.fwmark(mark))?.reals ?? []
            perform(.deleteService(.fwmark(mark)), [.addService(service)] + reals.map { .addReal(.fwmark(mark), $0) })
        }
        for vip in Set(unmarkedVIPs).sorted() {
            let address = InterfaceAddress(address: vip, device: intent.device)
            if addresses.contains(address) { perform(.deleteAddress(address), [.addAddress(address)]) }
        }
        return d
    }
}
