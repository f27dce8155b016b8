import XCTest

@testable import SwarmLBKit

/// The overlay plane's checks on peers and routes written by hand: each problem kind, and none for a
/// consistent overlay.
final class OverlayCheckTests: XCTestCase {
    private func ip(_ s: String) -> IPv4Address { try! IPv4Address(parsing: s) }

    private func overlay(_ peers: [OverlayNetwork.Peer], mtu: UInt32 = 1450) -> OverlayNetwork {
        OverlayNetwork(
            device: "vxlan0", vni: 4097, port: 4789, proxy: true, l2miss: true, l3miss: true, learning: true, mtu: mtu, bridge: "br0",
            bridgeMTU: mtu, endpoints: [], peers: peers)
    }

    /// A peer as the reader gives it; nil for an entry that is missing.
    private static func peer(_ address: String?, _ mac: String, _ vtep: String?) -> OverlayNetwork.Peer {
        OverlayNetwork.Peer(
            address: address.map { try! IPv4Address(parsing: $0) }, mac: try! MACAddress(parsing: mac),
            vtep: vtep.map { try! IPv4Address(parsing: $0) })
    }

    private let peer7 = peer("10.0.0.7", "02:42:0a:00:00:07", "192.168.99.2")

    private func network(_ tasks: [(String, String, String?)]) -> NetworkServices {
        NetworkServices(
            network: "my-net",
            services: [
                .init(
                    name: "db", endpointMode: .dnsrr,
                    tasks: tasks.map { NetworkServices.Task(name: $0.0, ip: ip($0.1), node: $0.2.map(ip)) })
            ])
    }

    func testPeersJoinNeighbourAndFDBEntriesByMAC() {
        let links = [
            LinkDetail(
                index: 3, name: "vxlan0", flags: [], mtu: 1450, master: "br0", linkType: "ether", pointToPoint: false, kind: "vxlan",
                kindSettings: LinkSettings([.init("id", .number(4097), text: ""), .init("learning", .flag(false), text: "")]),
                slaveSettings: LinkSettings())
        ]
        let mac = { (s: String) in try! MACAddress(parsing: s) }
        let neighbours = [PeerNeighbour(address: ip("10.0.0.7"), mac: mac("02:42:0a:00:00:07"), device: "vxlan0")]
        let fdb = [
            PeerForwarding(mac: mac("02:42:0a:00:00:07"), device: "vxlan0", destination: ip("192.168.99.2")),
            PeerForwarding(mac: mac("02:42:0a:00:00:08"), device: "vxlan0", destination: ip("192.168.99.3")),
            PeerForwarding(mac: .zero, device: "vxlan0", destination: ip("192.168.99.4")),
        ]
        let o = OverlayNetwork.all(links: links, neighbours: neighbours, fdb: fdb)
        XCTAssertEqual(o.map(\.peers), [[peer7, Self.peer(nil, "02:42:0a:00:00:08", "192.168.99.3")]])
        XCTAssertEqual(o.first?.vni, 4097)
        XCTAssertEqual(o.first?.learning, false)
        XCTAssertEqual(OverlayCheck.incomplete(o[0]).map(\.kind), [.overlayPeerIncomplete])
    }

    func testComparedWithTheTasksOfOtherNodes() {
        let local: Set = [ip("192.168.99.1")]
        let clean = network([("db.1", "10.0.0.2", "192.168.99.1"), ("db.2", "10.0.0.7", "192.168.99.2")])
        XCTAssertEqual(OverlayCheck.compare(overlay([peer7]), expected: clean, localNode: local), [])
        let moved = network([("db.2", "10.0.0.7", "192.168.99.3"), ("db.3", "10.0.0.9", "192.168.99.2")])
        XCTAssertEqual(
            OverlayCheck.compare(overlay([peer7]), expected: moved, localNode: local).map(\.kind),
            [.overlayPeerWrongVTEP, .overlayPeerMissing])
        let here = network([("db.2", "10.0.0.7", "192.168.99.1")])
        XCTAssertEqual(OverlayCheck.compare(overlay([peer7]), expected: here, localNode: local).map(\.kind), [.overlayPeerStale])
        XCTAssertEqual(OverlayCheck.compare(overlay([peer7]), expected: network([]), localNode: local).map(\.kind), [.overlayPeerStale])
    }

    /// Docker programs each other node's own endpoint on the network (lb-NET, ingress-endpoint) as a peer, and
    /// `docker network inspect -v` lists it only on that node: one untracked entry per node of Peers is that.
    func testOneEntryPerNodeOfTheNetworkIsThatNodesEndpoint() {
        let local: Set = [ip("192.168.99.1")]
        var withNodes = network([("db.1", "10.0.0.2", "192.168.99.1")])
        withNodes.nodes = [ip("192.168.99.1"), ip("192.168.99.2")]
        XCTAssertEqual(OverlayCheck.compare(overlay([peer7]), expected: withNodes, localNode: local), [])
        let peer8 = Self.peer("10.0.0.8", "02:42:0a:00:00:08", "192.168.99.2")
        XCTAssertEqual(
            OverlayCheck.compare(overlay([peer7, peer8]), expected: withNodes, localNode: local).map(\.kind),
            [.overlayPeerStale, .overlayPeerStale], "two entries no task holds on one node: which is stale is unknown, both named")
        let peer9 = Self.peer("10.0.0.9", "02:42:0a:00:00:09", "192.168.99.3")
        XCTAssertEqual(
            OverlayCheck.compare(overlay([peer7, peer9]), expected: withNodes, localNode: local).map(\.kind), [.overlayPeerStale],
            "a node that is not among the network's nodes has no endpoint on it")
    }

    func testTheWayToEachNode() {
        func route(_ destination: String, type: UInt8 = 1, device: String? = "eth0") -> RouteEntry {
            RouteEntry(
                family: "inet", type: "", typeID: type, destination: destination, device: device, table: "main", tableID: 254,
                protocol: "kernel", protocolID: 2, scope: "link", scopeID: 253, cloned: false, flags: [], metrics: [])
        }
        let host = Underlay(routes: [route("192.168.99.0/24"), route("192.168.99.2", type: 6)], mtus: ["eth0": 1400], addresses: [])
        let problems = OverlayCheck.underlay(
            overlay([peer7, Self.peer("10.0.0.8", "02:42:0a:00:00:08", "192.168.99.3")]), host: host)
        XCTAssertEqual(problems.map(\.kind), [.vtepUnreachable, .overlayMTU])
        XCTAssertEqual(
            OverlayCheck.underlay(
                overlay([peer7], mtu: 1350), host: Underlay(routes: [route("default")], mtus: ["eth0": 1400], addresses: [])), [])
    }
}
