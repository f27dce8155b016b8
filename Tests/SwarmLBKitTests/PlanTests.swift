import XCTest

@testable import SwarmLBKit

/// The planning rules, each on an in-memory namespace (`FakeNamespace`), without root: a plan is
/// compared with its golden `--dry-run` lines, the classic commands it would run in order. The
/// kernel suites (Tests/integration) prove that the same commands make the same state.
final class PlanTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }
    let net = { (s: String) in try! IPv4Subnet(parsing: s) }
    let m101 = FirewallMark(0x101), m102 = FirewallMark(0x102)

    // MARK: - Building namespaces and plans

    /// A namespace with eth0 holding `own`/24, lo down, empty tables and no IPVS services.
    func namespace(own: String = "10.0.0.5") -> FakeNamespace {
        let ns = FakeNamespace()
        ns.addressList = [InterfaceAddress(address: a(own), prefixLength: 24, device: "eth0")]
        return ns
    }

    func vip(_ s: String, dev: String = "eth0") -> InterfaceAddress { InterfaceAddress(address: a(s), device: dev) }

    func mark(_ vip: String, _ mark: FirewallMark, chain: String = "OUTPUT") -> MarkRule {
        MarkRule(chain: chain, selector: .vip(a(vip)), mark: mark)
    }

    /// An IPVS fwmark service with Masq reals on port 0.
    func service(
        _ mark: FirewallMark, _ scheduler: IPVSScheduler = .rr, persistence: UInt32? = nil, reals: [(String, Int32)] = []
    )
        -> IPVSSnapshot.Entry
    {
        IPVSSnapshot.Entry(
            service: IPVSService(key: .fwmark(mark), scheduler: scheduler, persistence: persistence),
            reals: reals.map { RealServer(address: a($0.0), weight: $0.1) })
    }

    func intent(
        chain: String = "INPUT", snat: Bool = true, _ services: [(String, String, FirewallMark, [String: Int32])]
    )
        -> LoadBalancerIntent
    {
        var i = LoadBalancerIntent(ServiceRecipe(name: "", vip: a("10.0.0.2"), mark: m101, device: "eth0", chain: chain))
        i.loadBalancerTuning = chain == "INPUT"
        i.services = services.map { name, vip, mark, reals in
            LoadBalancerIntent.Service(
                name: name, vip: a(vip), mark: mark, scheduler: .rr,
                reals: Dictionary(uniqueKeysWithValues: reals.map { (a($0.key), $0.value) }))
        }
        i.snat = snat ? SNATRule(subnet: net("10.0.0.0/24"), source: a("10.0.0.5")) : nil
        return i
    }

    func plan(_ requests: [ChangeRequest], _ ns: FakeNamespace, ifExists: Bool = false) throws -> Transaction.Report {
        try Transaction.plan(requests, in: ns, ifExists: ifExists)
    }

    /// The plan's `--dry-run` lines.
    func lines(_ requests: [ChangeRequest], _ ns: FakeNamespace, ifExists: Bool = false) throws -> [String] {
        try plan(requests, ns, ifExists: ifExists).scriptLines
    }

    /// Makes the plan's changes on the fake; returns its lines.
    @discardableResult
    func run(_ requests: [ChangeRequest], _ ns: FakeNamespace, ifExists: Bool = false) throws -> [String] {
        let report = try plan(requests, ns, ifExists: ifExists)
        report.performed.forEach(ns.make)
        return report.scriptLines
    }

    /// The one line a refused or failed plan says.
    func failure(_ requests: [ChangeRequest], _ ns: FakeNamespace) -> String {
        do {
            _ = try plan(requests, ns)
            return "planned"
        } catch {
            return "\(error)"
        }
    }

    // MARK: - apply

    /// The order that keeps traffic flowing: VIPs, FWM services, reals (lo up first), mark rules,
    /// SNAT, sysctls.
    func testApplyOrdersVIPsThenServicesThenRealsThenMarks() throws {
        let ns = namespace()
        let file = intent([("web", "10.0.0.2", m101, ["10.0.0.3": 1, "10.0.0.4": 1]), ("api", "10.0.0.6", m102, ["10.0.0.7": 0])])
        XCTAssertEqual(
            try lines([.reconcile(file, prune: false)], ns),
            [
                "ip addr add 10.0.0.2/32 dev eth0",
                "ip addr add 10.0.0.6/32 dev eth0",
                "ipvsadm -A -f 257 -s rr",
                "ipvsadm -A -f 258 -s rr",
                "ip link set lo up",
                "ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1",
                "ipvsadm -a -f 257 -r 10.0.0.4:0 -m -w 1",
                "ipvsadm -a -f 258 -r 10.0.0.7:0 -m -w 0",
                "iptables-nft -t mangle -A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "iptables-nft -t mangle -A INPUT -d 10.0.0.6/32 -j MARK --set-xmark 0x102/0xffffffff",
                "iptables-nft -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                "sysctl -w net.ipv4.vs.conntrack=1",
                "sysctl -w net.ipv4.vs.conn_reuse_mode=0",
                "sysctl -w net.ipv4.vs.expire_nodest_conn=1",
                "sysctl -w net.ipv4.vs.expire_quiescent_template=1",
            ])
    }

    /// A second apply of the same file, on the namespace the first made, plans nothing.
    func testApplyOfWhatIsThereChangesNothing() throws {
        let ns = namespace()
        let file = intent([("web", "10.0.0.2", m101, ["10.0.0.3": 1, "10.0.0.4": 1])])
        try run([.reconcile(file, prune: false)], ns)
        XCTAssertEqual(try lines([.reconcile(file, prune: true)], ns), [])
    }

    /// A task the file no longer names is drained (weight 0), then deleted; an already drained one only deleted.
    func testApplyDrainsARemovedTaskBeforeDeletingIt() throws {
        let ns = namespace()
        ns.links["lo"] = true
        ns.addressList.append(vip("10.0.0.2"))
        ns.services = [service(m101, reals: [("10.0.0.3", 1), ("10.0.0.4", 1), ("10.0.0.8", 0)])]
        ns.firewall.commit(.mangle, [.append(chain: "OUTPUT", mark("10.0.0.2", m101).rule)])
        let file = intent(chain: "OUTPUT", snat: false, [("web", "10.0.0.2", m101, ["10.0.0.3": 1, "10.0.0.5": 2])])
        XCTAssertEqual(
            try lines([.reconcile(file, prune: false)], ns),
            [
                "ipvsadm -a -f 257 -r 10.0.0.5:0 -m -w 2",
                "ipvsadm -e -f 257 -r 10.0.0.4:0 -m -w 0",
                "ipvsadm -d -f 257 -r 10.0.0.4:0",
                "ipvsadm -d -f 257 -r 10.0.0.8:0",
            ])
    }

    /// A scheduler the file changes is changed with every other setting kept; a weight likewise.
    func testApplyKeepsSettingsTheFileDoesNotName() throws {
        let ns = namespace()
        ns.links["lo"] = true
        ns.addressList.append(vip("10.0.0.2"))
        var e = service(m101, .wrr, persistence: 300, reals: [("10.0.0.3", 1)])
        e.reals[0].upperThreshold = 50
        ns.services = [e]
        ns.firewall.commit(.mangle, [.append(chain: "OUTPUT", mark("10.0.0.2", m101).rule)])
        let file = intent(chain: "OUTPUT", snat: false, [("web", "10.0.0.2", m101, ["10.0.0.3": 3])])
        XCTAssertEqual(
            try lines([.reconcile(file, prune: false)], ns),
            ["ipvsadm -E -f 257 -s rr -p 300", "ipvsadm -e -f 257 -r 10.0.0.3:0 -m -w 3 -x 50"])
    }

    /// One VIP, one mark: a file giving a VIP two marks is refused, and so (without --prune) is a
    /// VIP the chain already marks with a mark the file does not name; --prune replaces that mark.
    func testApplyRefusesASecondMarkForAVIPUnlessPruning() throws {
        let ns = namespace()
        XCTAssertEqual(
            failure([.reconcile(intent([("web", "10.0.0.2", m101, [:]), ("api", "10.0.0.2", m102, [:])]), prune: false)], ns),
            "10.0.0.2 is given mark 0x101 (web) and 0x102 (api) in the services file; one VIP has one mark in mangle INPUT; nothing changed"
        )
        ns.addressList.append(vip("10.0.0.2"))
        ns.firewall.commit(.mangle, [.append(chain: "INPUT", mark("10.0.0.2", FirewallMark(0x109), chain: "INPUT").rule)])
        let file = intent(snat: false, [("web", "10.0.0.2", m101, [:])])
        XCTAssertEqual(
            failure([.reconcile(file, prune: false)], ns),
            "10.0.0.2 is already marked 0x109 in mangle INPUT; refusing a second mark 0x101 for it "
                + "(remove the first: swarmlb vip del 10.0.0.2 --fwm 0x109 --chain INPUT); nothing changed")
        XCTAssertEqual(
            try lines([.reconcile(file, prune: true)], ns),
            [
                "ipvsadm -A -f 257 -s rr",
                "iptables-nft -t mangle -A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "iptables-nft -t mangle -D INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x109/0xffffffff",
                "sysctl -w net.ipv4.vs.conn_reuse_mode=0",
                "sysctl -w net.ipv4.vs.expire_nodest_conn=1",
                "sysctl -w net.ipv4.vs.expire_quiescent_template=1",
            ])
    }

    /// A VIP of the file marked in the other chain is moved to the file's chain, even without --prune.
    func testApplyMovesAVIPsMarkToTheFilesChain() throws {
        let ns = namespace()
        ns.addressList.append(vip("10.0.0.2"))
        ns.services = [service(m101)]
        ns.firewall.commit(.mangle, [.append(chain: "OUTPUT", mark("10.0.0.2", m101).rule)])
        XCTAssertEqual(
            try lines([.reconcile(intent(chain: "INPUT", snat: false, [("web", "10.0.0.2", m101, [:])]), prune: false)], ns),
            [
                "iptables-nft -t mangle -A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "iptables-nft -t mangle -D OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "sysctl -w net.ipv4.vs.conn_reuse_mode=0",
                "sysctl -w net.ipv4.vs.expire_nodest_conn=1",
                "sysctl -w net.ipv4.vs.expire_quiescent_template=1",
            ])
    }

    /// The SNAT rule of the file's subnet is replaced when its source changes; another subnet's
    /// rule stays unless --prune.
    func testApplyOwnsTheSNATRuleOfItsSubnet() throws {
        let ns = namespace()
        ns.sysctls[.ipvsConntrack] = "1"
        let old = SNATRule(subnet: net("10.0.0.0/24"), source: a("10.0.0.9"))
        let other = SNATRule(subnet: net("10.0.1.0/24"), source: a("10.0.1.5"))
        ns.firewall.commit(.nat, [.append(chain: "POSTROUTING", old.rule), .append(chain: "POSTROUTING", other.rule)])
        let file = intent(chain: "OUTPUT", [])
        XCTAssertEqual(
            try lines([.reconcile(file, prune: false)], ns),
            [
                "iptables-nft -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                "iptables-nft -t nat -D POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.9",
            ])
        XCTAssertEqual(
            try lines([.reconcile(file, prune: true)], ns),
            [
                "iptables-nft -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                "iptables-nft -t nat -D POSTROUTING -d 10.0.1.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.1.5",
                "iptables-nft -t nat -D POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.9",
            ])
    }

    /// --prune removes what apply owns and the file does not name (fwmark services, VIP mark rules in
    /// INPUT/OUTPUT, the /32 those marked), mark rule before service before VIP; never TCP services,
    /// port marks or other addresses. Without --prune nothing of it goes.
    func testPruneRemovesOnlyWhatApplyOwns() throws {
        let ns = namespace()
        ns.links["lo"] = true
        ns.addressList += [vip("10.0.0.2"), vip("10.0.0.9"), vip("10.0.0.99")]
        let tcp = IPVSService(key: .address(.tcp, .v4(a("10.0.0.50")), 80))
        ns.services = [service(m101, reals: [("10.0.0.3", 1)]), service(FirewallMark(0x109), reals: [("10.0.0.10", 1)])]
        ns.services.append(IPVSSnapshot.Entry(service: tcp, reals: []))
        ns.firewall.commit(
            .mangle,
            [
                .append(chain: "OUTPUT", mark("10.0.0.2", m101).rule), .append(chain: "OUTPUT", mark("10.0.0.9", FirewallMark(0x109)).rule),
                .append(chain: "PREROUTING", MarkRule(chain: "PREROUTING", selector: .port(TransportPort(.tcp, 8080)), mark: m102).rule),
            ])
        let file = intent(chain: "OUTPUT", snat: false, [("web", "10.0.0.2", m101, ["10.0.0.3": 1])])
        XCTAssertEqual(try lines([.reconcile(file, prune: false)], ns), [])
        XCTAssertEqual(
            try lines([.reconcile(file, prune: true)], ns),
            [
                "iptables-nft -t mangle -D OUTPUT -d 10.0.0.9/32 -j MARK --set-xmark 0x109/0xffffffff",
                "ipvsadm -D -f 265",
                "ip addr del 10.0.0.9/32 dev eth0",
            ])
        // What a pruned service held comes back on rollback.
        let undo = try plan([.reconcile(file, prune: true)], ns).decisions.compactMap { d -> [KernelChange]? in
            if case .perform(.deleteService, let undo) = d { undo } else { nil }
        }
        XCTAssertEqual(
            undo.first?.map { $0.command(iptables: "iptables-nft") },
            ["ipvsadm -A -f 265 -s rr", "ipvsadm -a -f 265 -r 10.0.0.10:0 -m -w 1"])
    }

    /// Every change carries its undo: a plan's changes made, then their undos in reverse, leave the
    /// namespace as it was (what a rollback does), for apply with --prune and for service del.
    func testUndosInReverseRestoreTheNamespace() throws {
        let ns = namespace()
        ns.links["lo"] = true
        ns.addressList += [vip("10.0.0.2"), vip("10.0.0.9")]
        ns.services = [service(m101, .wrr, persistence: 300, reals: [("10.0.0.3", 1), ("10.0.0.4", 2)])]
        ns.services.append(service(FirewallMark(0x109), reals: [("10.0.0.10", 1)]))
        ns.firewall.commit(
            .mangle,
            [.append(chain: "OUTPUT", mark("10.0.0.9", FirewallMark(0x109)).rule), .append(chain: "OUTPUT", mark("10.0.0.2", m101).rule)])
        ns.firewall.commit(.nat, [.append(chain: "POSTROUTING", SNATRule(subnet: net("10.0.0.0/24"), source: a("10.0.0.9")).rule)])
        let before = ns.listing
        for requests in [
            [ChangeRequest.reconcile(intent([("web", "10.0.0.2", m101, ["10.0.0.3": 1, "10.0.0.5": 1])]), prune: true)],
            ServiceRecipe(name: "web", vip: a("10.0.0.2"), mark: m101, device: "eth0").deleteRequests,
        ] {
            let report = try plan(requests, ns)
            XCTAssertFalse(report.performed.isEmpty)
            report.performed.forEach(ns.make)
            XCTAssertNotEqual(ns.listing, before)
            for case .perform(_, let undo) in report.decisions.reversed() { undo.forEach(ns.make) }
            XCTAssertEqual(ns.listing, before)
        }
    }

    // MARK: - service add and del: apply's planner on a one-service intent

    let webRecipe = ServiceRecipe(
        name: "my-web", vip: try! IPv4Address(parsing: "10.0.0.2"), mark: FirewallMark(0x101), device: "eth0",
        reals: [try! IPv4Address(parsing: "10.0.0.3"), try! IPv4Address(parsing: "10.0.0.4")],
        snat: SNATRule(subnet: try! IPv4Subnet(parsing: "10.0.0.0/24"), source: try! IPv4Address(parsing: "10.0.0.5")))

    /// `service add` makes what apply makes, in apply's order: the FWM service before the VIP's mark.
    func testServiceAddPlansInApplysOrder() throws {
        XCTAssertEqual(
            try lines([webRecipe.addRequest], namespace()),
            [
                "ip addr add 10.0.0.2/32 dev eth0",
                "ipvsadm -A -f 257 -s rr",
                "ip link set lo up",
                "ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1",
                "ipvsadm -a -f 257 -r 10.0.0.4:0 -m -w 1",
                "iptables-nft -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "iptables-nft -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                "sysctl -w net.ipv4.vs.conntrack=1",
            ])
        var lb = webRecipe
        lb.chain = "INPUT"
        lb.loadBalancerSysctls = true
        let input = try lines([lb.addRequest], namespace())
        XCTAssertEqual(input[5], "iptables-nft -t mangle -A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff")
        XCTAssertEqual(
            input.suffix(3),
            [
                "sysctl -w net.ipv4.vs.conn_reuse_mode=0", "sysctl -w net.ipv4.vs.expire_nodest_conn=1",
                "sysctl -w net.ipv4.vs.expire_quiescent_template=1",
            ])
    }

    /// A repeated `service add` changes nothing and says so, step by step.
    func testServiceAddAgainIsAlreadyPresent() throws {
        let ns = namespace()
        try run([webRecipe.addRequest], ns)
        XCTAssertEqual(
            try lines([webRecipe.addRequest], ns),
            [
                "# already present: ip addr add 10.0.0.2/32 dev eth0",
                "# already present: ipvsadm -A -f 257 -s rr",
                "# already present: ip link set lo up",
                "# already present: ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1",
                "# already present: ipvsadm -a -f 257 -r 10.0.0.4:0 -m -w 1",
                "# already present: iptables-nft -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "# already present: iptables-nft -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                "# already present: sysctl -w net.ipv4.vs.conntrack=1",
            ])
    }

    /// Unlike apply, a command removes nothing it does not name: other reals, the service's other
    /// settings, another chain's mark for the VIP and another SNAT source all stay.
    func testServiceAddRemovesNothing() throws {
        let ns = namespace()
        ns.links["lo"] = true
        ns.addressList.append(vip("10.0.0.2"))
        ns.services = [service(m101, .wrr, persistence: 300, reals: [("10.0.0.9", 5)])]
        ns.firewall.commit(.mangle, [.append(chain: "INPUT", mark("10.0.0.2", m102, chain: "INPUT").rule)])
        ns.firewall.commit(.nat, [.append(chain: "POSTROUTING", SNATRule(subnet: net("10.0.0.0/24"), source: a("10.0.0.9")).rule)])
        let performed = try plan([webRecipe.addRequest], ns).performed.map { $0.command(iptables: "iptables-nft") }
        XCTAssertEqual(
            performed,
            [
                "ipvsadm -E -f 257 -s rr -p 300",
                "ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1",
                "ipvsadm -a -f 257 -r 10.0.0.4:0 -m -w 1",
                "iptables-nft -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "iptables-nft -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                "sysctl -w net.ipv4.vs.conntrack=1",
            ])
    }

    /// `service add` refuses a second mark for a VIP its chain already marks; nothing is planned.
    func testServiceAddRefusesASecondMark() throws {
        let ns = namespace()
        try run([webRecipe.addRequest], ns)
        var api = webRecipe
        api.mark = m102
        XCTAssertEqual(
            failure([api.addRequest], ns),
            "10.0.0.2 is already marked 0x101 in mangle OUTPUT; refusing a second mark 0x102 for it "
                + "(remove the first: swarmlb vip del 10.0.0.2 --fwm 0x101 --chain OUTPUT); nothing changed")
    }

    /// A device that does not exist is an error, not a VIP to add (apply checks its device first).
    func testServiceAddOnAnUnknownDeviceIsAnError() {
        var recipe = webRecipe
        recipe.device = "eth9"
        XCTAssertEqual(failure([recipe.addRequest], namespace()), "device \"eth9\" does not exist in this namespace")
    }

    /// `service del` removes the mark rule, then the service (its reals with it); the VIP /32 stays
    /// while another chain still marks it; a second del finds nothing and is refused unless --if-exists.
    func testServiceDelKeepsAVIPAnotherChainMarks() throws {
        let ns = namespace()
        try run([webRecipe.addRequest], ns)
        var api = webRecipe
        api.mark = m102
        api.chain = "INPUT"
        try run([api.addRequest], ns)
        XCTAssertEqual(
            try run(webRecipe.deleteRequests, ns),
            [
                "iptables-nft -t mangle -D OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "ipvsadm -D -f 257",
                "# kept: ip addr del 10.0.0.2/32 dev eth0 (10.0.0.2 is still marked 0x102 in mangle INPUT)",
            ])
        XCTAssertEqual(
            failure(webRecipe.deleteRequests, ns),
            "nothing to delete: no rule \"-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff\" in table mangle; "
                + "no IPVS service FWM 257 (use --if-exists to accept)")
        XCTAssertEqual(
            try run(api.deleteRequests, ns).last, "ip addr del 10.0.0.2/32 dev eth0")
    }

    // MARK: - one-object commands

    /// `fwm add` and `real add` change only the settings given: the others stay, a drained real stays drained.
    func testOneObjectAddsKeepSettingsTheyWereNotGiven() throws {
        let ns = namespace()
        ns.links["lo"] = true
        ns.services = [service(FirewallMark(262), .wrr, persistence: 300, reals: [("10.0.0.7", 0)])]
        let key = IPVSService.Key.fwmark(FirewallMark(262))
        XCTAssertEqual(
            try lines([.service(key, scheduler: nil, persistence: nil)], ns), ["# already present: ipvsadm -A -f 262 -s wrr -p 300"])
        XCTAssertEqual(try lines([.service(key, scheduler: .rr, persistence: nil)], ns), ["ipvsadm -E -f 262 -s rr -p 300"])
        XCTAssertEqual(
            try lines([.real(key, a("10.0.0.7"), port: 0, RealServerSettings(), mustExist: false)], ns),
            ["# already present: ipvsadm -a -f 262 -r 10.0.0.7:0 -m -w 0"])
        XCTAssertEqual(
            try lines([.real(key, a("10.0.0.8"), port: 0, RealServerSettings(), mustExist: false)], ns),
            ["ipvsadm -a -f 262 -r 10.0.0.8:0 -m -w 1"])
        XCTAssertEqual(
            try lines([.service(IPVSService.Key.fwmark(m101), scheduler: nil, persistence: nil)], ns), ["ipvsadm -A -f 257 -s rr"])
    }

    /// `vip add` refuses a second mark for a VIP; `vip del` naming the wrong device removes nothing.
    func testVIPCommandsRefuseSecondMarksAndWrongObjects() throws {
        let ns = namespace()
        ns.links["eth1"] = true
        try run([.change(.addAddress(vip("10.0.0.2"))), .change(mark("10.0.0.2", m101).addChange)], ns)
        XCTAssertEqual(
            failure([.change(.addAddress(vip("10.0.0.2"))), .change(mark("10.0.0.2", m102).addChange)], ns),
            "10.0.0.2 is already marked 0x101 in mangle OUTPUT; refusing a second mark 0x102 for it "
                + "(remove the first: swarmlb vip del 10.0.0.2 --fwm 0x101 --chain OUTPUT); nothing changed")
        XCTAssertEqual(
            try lines([.removeVIP(a("10.0.0.2"), device: "eth1", mark: nil, chain: "OUTPUT")], ns, ifExists: true),
            ["# not present: 10.0.0.2/32 is on eth0, not eth1: nothing removed"])
        XCTAssertEqual(
            try lines([.removeVIP(a("10.0.0.2"), device: nil, mark: m102, chain: "OUTPUT")], ns, ifExists: true),
            ["# not present: 10.0.0.2 is marked 0x101 in mangle OUTPUT, not 0x102: nothing removed"])
        XCTAssertEqual(
            try lines([.removeVIP(a("10.0.0.2"), device: nil, mark: nil, chain: "OUTPUT")], ns),
            ["iptables-nft -t mangle -D OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff", "ip addr del 10.0.0.2/32 dev eth0"])
    }

    // MARK: - ingress

    func balance(_ port: UInt16, _ mark: FirewallMark = FirewallMark(0x102)) -> IngressBalance {
        IngressBalance(
            port: TransportPort(.tcp, port), mark: mark, vip: a("10.255.0.6"), device: "eth0", reals: [a("10.255.0.4")],
            snat: SNATRule(subnet: net("10.255.0.0/16"), source: a("10.255.0.2")))
    }

    /// `ingress balance` is `service add` in INPUT with the load-balancer sysctls, then the port's
    /// mark (once the FWM service exists) and ip_forward.
    func testIngressBalancePlansTheServiceThenThePortMark() throws {
        XCTAssertEqual(
            try lines([.balanceIngress(balance(8080))], namespace(own: "10.255.0.2")),
            [
                "ip addr add 10.255.0.6/32 dev eth0",
                "ipvsadm -A -f 258 -s rr",
                "ip link set lo up",
                "ipvsadm -a -f 258 -r 10.255.0.4:0 -m -w 1",
                "iptables-nft -t mangle -A INPUT -d 10.255.0.6/32 -j MARK --set-xmark 0x102/0xffffffff",
                "iptables-nft -t nat -A POSTROUTING -d 10.255.0.0/16 -m ipvs --ipvs -j SNAT --to-source 10.255.0.2",
                "sysctl -w net.ipv4.vs.conntrack=1",
                "sysctl -w net.ipv4.vs.conn_reuse_mode=0",
                "sysctl -w net.ipv4.vs.expire_nodest_conn=1",
                "sysctl -w net.ipv4.vs.expire_quiescent_template=1",
                "iptables-nft -t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x102/0xffffffff",
                "sysctl -w net.ipv4.ip_forward=1",
            ])
    }

    /// `ingress unbalance`: the port mark; the VIP, its mark and the service with the mark's last
    /// port; the SNAT rule with the last port mark of all.
    func testIngressUnbalanceLastPortRules() throws {
        let ns = namespace(own: "10.255.0.2")
        try run([.balanceIngress(balance(8080)), .balanceIngress(balance(8081)), .balanceIngress(balance(9000, FirewallMark(0x103)))], ns)
        XCTAssertEqual(
            try run([.unbalanceIngress(balance(8080))], ns),
            ["iptables-nft -t mangle -D PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x102/0xffffffff"])
        XCTAssertEqual(
            try run([.unbalanceIngress(balance(8081))], ns),
            [
                "iptables-nft -t mangle -D PREROUTING -p tcp -m tcp --dport 8081 -j MARK --set-xmark 0x102/0xffffffff",
                "iptables-nft -t mangle -D INPUT -d 10.255.0.6/32 -j MARK --set-xmark 0x102/0xffffffff",
                "ipvsadm -D -f 258",
                "# kept: ip addr del 10.255.0.6/32 dev eth0 (10.255.0.6 is still marked 0x103 in mangle INPUT)",
            ])
        XCTAssertEqual(
            try run([.unbalanceIngress(balance(9000, FirewallMark(0x103)))], ns),
            [
                "iptables-nft -t mangle -D PREROUTING -p tcp -m tcp --dport 9000 -j MARK --set-xmark 0x103/0xffffffff",
                "iptables-nft -t mangle -D INPUT -d 10.255.0.6/32 -j MARK --set-xmark 0x103/0xffffffff",
                "ipvsadm -D -f 259",
                "ip addr del 10.255.0.6/32 dev eth0",
                "iptables-nft -t nat -D POSTROUTING -d 10.255.0.0/16 -m ipvs --ipvs -j SNAT --to-source 10.255.0.2",
            ])
    }

    /// `ingress unpublish`: the port's rules; with the last port the shared chains, jumps and MASQUERADE.
    func testIngressUnpublishLastPortTakesTheChains() throws {
        let ns = namespace()
        let p8080 = IngressPublication(port: TransportPort(.tcp, 8080), sandbox: a("172.18.0.2"))
        let p9000 = IngressPublication(port: TransportPort(.tcp, 9000), sandbox: a("172.18.0.2"))
        ns.links["docker_gwbridge"] = true
        try run([.publish(p8080)], ns)
        XCTAssertEqual(try lines([.publish(p8080)], ns).filter { !$0.hasPrefix("# already present: ") }, [])
        try run([.publish(p9000)], ns)
        XCTAssertEqual(
            try run([.unpublish(p8080)], ns),
            [
                "iptables-nft -t nat -D DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080",
                "iptables-nft -t filter -D DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT",
                "iptables-nft -t filter -D DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT",
            ])
        XCTAssertEqual(
            try run([.unpublish(p9000)], ns),
            [
                "iptables-nft -t nat -D DOCKER-INGRESS -p tcp -m tcp --dport 9000 -j DNAT --to-destination 172.18.0.2:9000",
                "iptables-nft -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
                "iptables-nft -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
                "iptables-nft -t nat -D POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE",
                "iptables-nft -t nat -F DOCKER-INGRESS && iptables-nft -t nat -X DOCKER-INGRESS",
                "iptables-nft -t filter -D DOCKER-INGRESS -p tcp -m tcp --dport 9000 -j ACCEPT",
                "iptables-nft -t filter -D DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 9000 -j ACCEPT",
                "iptables-nft -t filter -D FORWARD -j DOCKER-INGRESS",
                "iptables-nft -t filter -F DOCKER-INGRESS && iptables-nft -t filter -X DOCKER-INGRESS",
            ])
        XCTAssertEqual(ns.dump(.nat).chains.flatMap(\.rules), [])
        XCTAssertEqual(ns.dump(.filter).chains.flatMap(\.rules), [])
    }

    /// `ingress redirect`: a later port's ACCEPTs go before the address's DROPs; `unredirect` of the
    /// address's last port takes the DROPs.
    func testIngressRedirectKeepsTheDropsLastAndTheLastPortTakesThem() throws {
        let ns = namespace(own: "10.255.0.4")
        let r80 = TaskRedirect(try TaskRedirect.Ports(parsing: "tcp/8080:80"), address: a("10.255.0.4"))
        let r90 = TaskRedirect(try TaskRedirect.Ports(parsing: "tcp/9090:90"), address: a("10.255.0.4"))
        try run([.redirect(r80)], ns)
        XCTAssertEqual(
            try run([.redirect(r90)], ns).prefix(3),
            [
                "iptables-nft -t nat -A PREROUTING -d 10.255.0.4/32 -p tcp -m tcp --dport 9090 -j REDIRECT --to-ports 90",
                "iptables-nft -t filter -I INPUT 2 -d 10.255.0.4/32 -p tcp -m tcp --dport 90 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT",
                "iptables-nft -t filter -I OUTPUT 2 -s 10.255.0.4/32 -p tcp -m tcp --sport 90 -m conntrack --ctstate ESTABLISHED -j ACCEPT",
            ])
        XCTAssertEqual(try run([.unredirect(r80)], ns).count, 3)
        XCTAssertEqual(try run([.unredirect(r90)], ns).count, 9)
        XCTAssertEqual(ns.dump(.filter).chains.flatMap(\.rules), [])
    }
}
