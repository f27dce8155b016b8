import XCTest

@testable import SwarmLBKit

/// The overlay plane's planning rules on an in-memory namespace (`FakeNamespace`), as `PlanTests`
/// does the load balancer's: each plan compared with its golden `--dry-run` lines. Tests/integration's
/// overlay.sh and overlay-build.sh prove the same commands make the same state in the kernel.
final class OverlayPlanTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }

    /// An overlay namespace holding br0 and vxlan0 (VNI 4097), both up, vxlan0 a port of br0.
    func overlayNamespace() -> FakeNamespace {
        let ns = FakeNamespace()
        ns.links = ["lo": false, "br0": true, "vxlan0": true]
        ns.devices = [
            "br0": LinkState(kind: "bridge", mtu: 1500, master: nil, up: true, vni: nil),
            "vxlan0": LinkState(kind: "vxlan", mtu: 1450, master: "br0", up: true, vni: 4097),
        ]
        return ns
    }

    func peer(_ address: String, vtep: String) -> OverlayPeer {
        OverlayPeer(address: a(address), mac: MACAddress(derivedFrom: a(address)), vtep: a(vtep))
    }

    func plan(_ changes: [KernelChange], _ ns: FakeNamespace, ifExists: Bool = false) throws -> Transaction.Report {
        try Transaction.plan(changes.map { .change($0) }, in: ns, ifExists: ifExists)
    }

    /// Makes the plan's changes on the fake; returns its lines.
    @discardableResult
    func run(_ changes: [KernelChange], _ ns: FakeNamespace, ifExists: Bool = false) throws -> [String] {
        let report = try plan(changes, ns, ifExists: ifExists)
        report.performed.forEach(ns.make)
        return report.scriptLines
    }

    func testPeerAddThenAgainChangesNothing() throws {
        let ns = overlayNamespace()
        let p = peer("10.0.0.7", vtep: "192.168.99.2")
        XCTAssertEqual(
            try run(p.addChanges, ns),
            [
                "ip neigh add 10.0.0.7 lladdr 02:42:0a:00:00:07 dev vxlan0 nud permanent",
                "bridge fdb add 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent",
            ])
        XCTAssertEqual(
            try run(p.addChanges, ns),
            [
                "# already present: ip neigh add 10.0.0.7 lladdr 02:42:0a:00:00:07 dev vxlan0 nud permanent",
                "# already present: bridge fdb add 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent",
            ])
        XCTAssertEqual(
            try run(p.deleteChanges, ns),
            [
                "bridge fdb del 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self",
                "ip neigh del 10.0.0.7 dev vxlan0",
            ])
        XCTAssertEqual(ns.listing, overlayNamespace().listing)
    }

    func testStalePeerIsReplacedAndItsUndoPutsTheOldEntriesBack() throws {
        let ns = overlayNamespace()
        let stale = peer("10.0.0.7", vtep: "192.168.99.3")
        var otherMAC = stale.neighbour
        otherMAC.mac = MACAddress(derivedFrom: a("10.0.0.9"))
        ns.neighbourEntries = [otherMAC]
        ns.fdbEntries = [stale.fdbEntry]
        let before = ns.listing
        let moved = peer("10.0.0.7", vtep: "192.168.99.2")
        let report = try plan(moved.addChanges, ns)
        XCTAssertEqual(
            report.scriptLines,
            [
                "ip neigh replace 10.0.0.7 lladdr 02:42:0a:00:00:07 dev vxlan0 nud permanent",
                "bridge fdb replace 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent",
            ])
        let undos = report.decisions.flatMap { d -> [KernelChange] in if case .perform(_, let undo) = d { undo } else { [] } }
        XCTAssertEqual(undos, [.addNeighbour(otherMAC, replace: true), .addForwardingEntry(stale.fdbEntry, replace: true)])
        report.performed.forEach(ns.make)
        XCTAssertEqual(ns.neighbourEntries, [moved.neighbour])
        XCTAssertEqual(ns.fdbEntries, [moved.fdbEntry])
        undos.reversed().forEach(ns.make)
        XCTAssertEqual(ns.listing, before)
    }

    func testPeerDelOfAnEntryHeldOtherwiseRemovesNothing() throws {
        let ns = overlayNamespace()
        ns.fdbEntries = [peer("10.0.0.7", vtep: "192.168.99.3").fdbEntry]
        let p = peer("10.0.0.7", vtep: "192.168.99.2")
        XCTAssertThrowsError(try plan(p.deleteChanges, ns)) { error in
            XCTAssertEqual(
                "\(error)",
                "nothing to delete: no neighbour entry for 10.0.0.7 on vxlan0; "
                    + "02:42:0a:00:00:07 on vxlan0 goes to 192.168.99.3, not 192.168.99.2: nothing removed (use --if-exists to accept)")
        }
    }

    func testCreateAndAttachPlanOnDevicesNotYetMadeThenAgainChangeNothing() throws {
        let ns = FakeNamespace()
        ns.links = ["lo": false]
        let network = try OverlayNetwork.Definition(vni: 4097, subnet: IPv4Subnet(parsing: "10.0.0.0/24"), gateway: a("10.0.0.1"))
        let create = network.createChanges(underlay: nil, overlay: nil)
        XCTAssertEqual(try run(create, ns).filter { $0.hasPrefix("#") }, [])
        XCTAssertEqual(try run(create, ns).filter { !$0.hasPrefix("# already present") }, [])
        XCTAssertEqual(ns.devices["vxlan0"]?.master, "br0")

        let container = NetNamespace(verified: "/run/netns/c1")
        let attachment = OverlayAttachment(
            address: InterfaceAddress(address: a("10.0.0.5"), prefixLength: 24, device: "eth0"),
            mac: MACAddress(derivedFrom: a("10.0.0.5")), veth: "veth0", mtu: 1450)
        let attach = attachment.attachChanges(container: container, name: "eth0")
        XCTAssertEqual(
            try run(attach, ns),
            [
                "ip link add veth0 mtu 1450 type veth peer name eth0 address 02:42:0a:00:00:05 mtu 1450 netns /run/netns/c1",
                "nsenter --net=/run/netns/c1 ip addr add 10.0.0.5/24 dev eth0",
                "nsenter --net=/run/netns/c1 ip link set eth0 up",
                "ip link set veth0 master br0",
                "ip link set veth0 up",
            ])
        XCTAssertEqual(ns.others[container.path]?.links["eth0"], true)
        XCTAssertEqual(try run(attach, ns).filter { !$0.hasPrefix("# already present") }, [])
    }

    func testADeviceOfAnotherKindIsRefused() throws {
        let ns = overlayNamespace()
        let network = try OverlayNetwork.Definition(vni: 4097, subnet: IPv4Subnet(parsing: "10.0.0.0/24"), gateway: a("10.0.0.1"))
        ns.devices["br0"]?.kind = "dummy"
        XCTAssertThrowsError(try plan(network.createChanges(underlay: nil, overlay: nil), ns)) { error in
            XCTAssertEqual("\(error)", "br0 exists as a device of kind dummy, not bridge; nothing changed")
        }
    }

    /// A load-balancer namespace whose overlay namespace (/run/netns/ov1) holds the entries of 10.0.0.7
    /// and 10.0.0.8 (node 192.168.99.2) and of 10.0.0.9 (node 192.168.99.3), a learnt (not permanent)
    /// neighbour 10.0.0.20 and a permanent one outside the subnet (10.1.0.5).
    func applyNamespace() -> (lb: FakeNamespace, ov: FakeNamespace, path: NetNamespace) {
        let ov = overlayNamespace()
        for p in [peer("10.0.0.7", vtep: "192.168.99.2"), peer("10.0.0.8", vtep: "192.168.99.2"), peer("10.0.0.9", vtep: "192.168.99.3")] {
            ov.neighbourEntries.append(p.neighbour)
            ov.fdbEntries.append(p.fdbEntry)
        }
        ov.neighbourEntries.append(
            PeerNeighbour(address: a("10.0.0.20"), mac: MACAddress(derivedFrom: a("10.0.0.20")), device: "vxlan0", permanent: false))
        ov.neighbourEntries.append(PeerNeighbour(address: a("10.1.0.5"), mac: MACAddress(derivedFrom: a("10.1.0.5")), device: "vxlan0"))
        let lb = FakeNamespace()
        lb.others["/run/netns/ov1"] = ov
        return (lb, ov, NetNamespace(verified: "/run/netns/ov1"))
    }

    func testApplyPruneRemovesThePeersOfTasksThatLeftAndItsUndoPutsThemBack() throws {
        let (lb, ov, path) = applyNamespace()
        let before = ov.listing.sorted()
        // 10.0.0.8's task left the network, 10.0.0.9's moved to this node; 10.0.0.10 is new.
        let set = try OverlayPeerSet(
            subnet: IPv4Subnet(parsing: "10.0.0.0/24"),
            peers: [peer("10.0.0.7", vtep: "192.168.99.2"), peer("10.0.0.10", vtep: "192.168.99.3")])
        let report = try Transaction.plan([.overlayPeers(path, set, prune: true)], in: lb, ifExists: false)
        XCTAssertEqual(
            report.scriptLines,
            [
                "# already present: nsenter --net=/run/netns/ov1 ip neigh add 10.0.0.7 lladdr 02:42:0a:00:00:07 dev vxlan0 nud permanent",
                "# already present: nsenter --net=/run/netns/ov1 bridge fdb add 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent",
                "nsenter --net=/run/netns/ov1 ip neigh add 10.0.0.10 lladdr 02:42:0a:00:00:0a dev vxlan0 nud permanent",
                "nsenter --net=/run/netns/ov1 bridge fdb add 02:42:0a:00:00:0a dev vxlan0 dst 192.168.99.3 self permanent",
                "nsenter --net=/run/netns/ov1 bridge fdb del 02:42:0a:00:00:08 dev vxlan0 dst 192.168.99.2 self",
                "nsenter --net=/run/netns/ov1 ip neigh del 10.0.0.8 dev vxlan0",
                "nsenter --net=/run/netns/ov1 bridge fdb del 02:42:0a:00:00:09 dev vxlan0 dst 192.168.99.3 self",
                "nsenter --net=/run/netns/ov1 ip neigh del 10.0.0.9 dev vxlan0",
            ])
        report.performed.forEach(lb.make)
        XCTAssertEqual(ov.neighbourEntries.filter(\.permanent).map(\.address.description).sorted(), ["10.0.0.10", "10.0.0.7", "10.1.0.5"])
        XCTAssertEqual(ov.fdbEntries.map(\.mac.description).sorted(), ["02:42:0a:00:00:07", "02:42:0a:00:00:0a"])
        XCTAssertEqual(
            try Transaction.plan([.overlayPeers(path, set, prune: true)], in: lb, ifExists: false).performed, [],
            "a second run finds nothing to do")
        let undos = report.decisions.flatMap { d -> [KernelChange] in if case .perform(_, let undo) = d { undo } else { [] } }
        undos.reversed().forEach(lb.make)
        XCTAssertEqual(ov.listing.sorted(), before, "rollback leaves the overlay namespace as it was")
    }

    func testApplyWithoutPruneLeavesThePeersOfTasksThatLeft() throws {
        let (lb, ov, path) = applyNamespace()
        let before = ov.listing
        let set = try OverlayPeerSet(
            subnet: IPv4Subnet(parsing: "10.0.0.0/24"),
            peers: [peer("10.0.0.7", vtep: "192.168.99.2"), peer("10.0.0.8", vtep: "192.168.99.2")])
        let report = try Transaction.plan([.overlayPeers(path, set, prune: false)], in: lb, ifExists: false)
        XCTAssertEqual(report.performed, [])
        XCTAssertEqual(ov.listing, before)
    }

    func testApplyPruneKeepsTheEntriesOfTasksOfUnknownNodeAndOwnsNothingWithoutASubnet() throws {
        let (lb, _, path) = applyNamespace()
        var set = try OverlayPeerSet(
            subnet: IPv4Subnet(parsing: "10.0.0.0/24"), peers: [peer("10.0.0.7", vtep: "192.168.99.2")], unplaced: [a("10.0.0.8")])
        XCTAssertEqual(
            try Transaction.plan([.overlayPeers(path, set, prune: true)], in: lb, ifExists: false).performed.map {
                $0.command(iptables: "")
            },
            [
                "nsenter --net=/run/netns/ov1 bridge fdb del 02:42:0a:00:00:09 dev vxlan0 dst 192.168.99.3 self",
                "nsenter --net=/run/netns/ov1 ip neigh del 10.0.0.9 dev vxlan0",
            ])
        set.subnet = nil
        XCTAssertEqual(try Transaction.plan([.overlayPeers(path, set, prune: true)], in: lb, ifExists: false).performed, [])
    }

    func testApplyPruneLeavesAnFDBEntryWhoseMACAPeerUses() throws {
        let (lb, ov, path) = applyNamespace()
        // 10.0.0.8's task left, and its MAC is now 10.0.0.7's (a random MAC of Docker 25+ reused).
        ov.neighbourEntries[0].mac = MACAddress(derivedFrom: a("10.0.0.8"))
        var kept = peer("10.0.0.7", vtep: "192.168.99.2")
        kept.mac = MACAddress(derivedFrom: a("10.0.0.8"))
        let set = try OverlayPeerSet(subnet: IPv4Subnet(parsing: "10.0.0.0/24"), peers: [kept], unplaced: [a("10.0.0.9")])
        XCTAssertEqual(
            try Transaction.plan([.overlayPeers(path, set, prune: true)], in: lb, ifExists: false).performed.map {
                $0.command(iptables: "")
            },
            ["nsenter --net=/run/netns/ov1 ip neigh del 10.0.0.8 dev vxlan0"])
    }
}
