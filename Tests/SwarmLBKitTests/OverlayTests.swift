import XCTest

@testable import SwarmLBKit

/// The overlay plane's model: MACs as Docker derives them, the classic commands a plan prints, and
/// which tasks of a services file are peers of a node.
final class OverlayTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }

    func testMACDerivedFromTheAddressAsDockerBefore25() throws {
        XCTAssertEqual(MACAddress(derivedFrom: a("10.0.0.5")).description, "02:42:0a:00:00:05")
        XCTAssertEqual(MACAddress(derivedFrom: a("192.168.99.254")).description, "02:42:c0:a8:63:fe")
        XCTAssertEqual(try MACAddress(parsing: "02:42:0A:0:0:7").description, "02:42:0a:00:00:07")
        XCTAssertThrowsError(try MACAddress(parsing: "02:42:0a:00:00"))
        XCTAssertThrowsError(try MACAddress(parsing: "02:42:0a:00:00:zz"))
        let random = MACAddress.random()
        XCTAssertEqual(random.bytes[0] & 0x03, 0x02, "locally administered unicast")
    }

    func testCreateIsDockersRecipeSpelledAsIproute2() throws {
        let network = try OverlayNetwork.Definition(vni: 4097, subnet: IPv4Subnet(parsing: "10.0.0.0/24"), gateway: a("10.0.0.1"))
        let node = NetNamespace(verified: "/run/netns/node1")
        let overlay = NetNamespace(verified: "/run/netns/ov1")
        XCTAssertEqual(
            network.createChanges(underlay: node, overlay: overlay).map { $0.command(iptables: "iptables") },
            [
                "ip link add br0 type bridge",
                "ip addr add 10.0.0.1/24 dev br0",
                "nsenter --net=/run/netns/node1 ip link add vxlan0 mtu 1450 netns /run/netns/ov1 type vxlan id 4097 dstport 4789 proxy l2miss l3miss",
                "ip link set vxlan0 master br0",
                "ip link set vxlan0 up",
                "ip link set br0 up",
            ])
        XCTAssertThrowsError(try OverlayNetwork.Definition(vni: 4097, subnet: IPv4Subnet(parsing: "10.0.0.0/24"), gateway: a("10.0.1.1")))
        XCTAssertThrowsError(
            try OverlayNetwork.Definition(vni: 1 << 24, subnet: IPv4Subnet(parsing: "10.0.0.0/24"), gateway: a("10.0.0.1")))
    }

    func testPeerAddAndDelAreNeighbourAndFDBEntries() {
        let peer = OverlayPeer(address: a("10.0.0.7"), mac: MACAddress(derivedFrom: a("10.0.0.7")), vtep: a("192.168.99.2"))
        XCTAssertEqual(
            peer.addChanges.map { $0.command(iptables: "iptables") },
            [
                "ip neigh add 10.0.0.7 lladdr 02:42:0a:00:00:07 dev vxlan0 nud permanent",
                "bridge fdb add 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent",
            ])
        XCTAssertEqual(
            peer.deleteChanges.map { $0.command(iptables: "iptables") },
            ["bridge fdb del 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self", "ip neigh del 10.0.0.7 dev vxlan0"])
    }

    func testPeersOfANodeAreTheTasksOnOtherNodes() throws {
        var web = NetworkServices.Service(name: "web")
        web.tasks = [
            .init(name: "web.1", ip: a("10.0.0.3"), node: a("192.168.99.1")),
            .init(name: "web.2", ip: a("10.0.0.4"), node: a("192.168.99.2")),
            .init(name: "web.3", ip: a("10.0.0.5")),
        ]
        let network = NetworkServices(
            network: "ov", services: [web], containers: [.init(name: "c", ip: a("10.0.0.9"), node: a("192.168.99.3"))])
        XCTAssertEqual(
            try OverlayPeerSet.remote(of: network, localNode: a("192.168.99.1")).peers,
            [
                OverlayPeer(address: a("10.0.0.4"), mac: MACAddress(derivedFrom: a("10.0.0.4")), vtep: a("192.168.99.2")),
                OverlayPeer(address: a("10.0.0.9"), mac: MACAddress(derivedFrom: a("10.0.0.9")), vtep: a("192.168.99.3")),
            ])
    }
}
