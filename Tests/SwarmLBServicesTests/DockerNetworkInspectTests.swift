import Foundation
import SwarmLBKit
import SwarmLBServices
import XCTest

/// `docker network inspect -v` output read as a services file: the fixture is what Docker 20.10 printed on the
/// real-Docker test's node (Tests/docker/node.sh, `docker network inspect -v my-network ingress`).
final class DockerNetworkInspectTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/docker-network-inspect.json"
    ).path

    func testReadsDockersOwnView() throws {
        let networks = try ServicesFile.loadNetworks(path: Self.fixture)
        XCTAssertEqual(networks.map(\.network), ["my-network", "ingress"])
        let net = networks[0]
        XCTAssertEqual(net.subnet?.description, "10.0.0.0/24")
        let web = try XCTUnwrap(net.services.first { $0.name == "my-web" })
        XCTAssertEqual(web.endpointMode, .vip)
        XCTAssertNotNil(web.vip)
        XCTAssertGreaterThanOrEqual(web.fwmark?.value ?? 0, 256, "LocalLBIndex: a node-local counter from 256")
        XCTAssertEqual(web.tasks.count, 3)
        XCTAssertEqual(net.services.first { $0.name == "my-pub" }?.tasks.count, 2)
        XCTAssertTrue(web.tasks.allSatisfy { $0.name.hasPrefix("my-web.") && net.subnet!.contains($0.ip) })
        let rr = try XCTUnwrap(net.services.first { $0.name == "my-rr" })
        XCTAssertEqual(rr.endpointMode, .dnsrr, "VIP <nil>")
        XCTAssertNil(rr.vip)
        XCTAssertEqual(rr.tasks.count, 2)
        XCTAssertTrue(net.containers.contains { $0.name == "client" }, "the service \"\" lists plain containers")
        XCTAssertFalse(net.services.contains { $0.name.isEmpty })
        let ingress = networks[1]
        XCTAssertEqual(ingress.subnet?.description, "10.255.0.0/24")
        XCTAssertEqual(ingress.containers.map(\.name), ["ingress-endpoint"])
        XCTAssertEqual(ingress.services.map(\.name), ["my-pub"])
    }

    /// What Docker 28.5.2 printed for `docker network inspect -v my-network` on the real-Docker test's
    /// node (sid; Tests/docker/node.sh's network-my-network.json): each task's `Info."Host IP"` is its
    /// node, and the peers `apply --overlay` programs on another node are every task of the network.
    func testDocker28TasksCarryTheirNodeIntoApplysPeers() throws {
        let path = URL(fileURLWithPath: Self.fixture).deletingLastPathComponent().appendingPathComponent("docker28-network-inspect.json")
        let net = try ServicesFile.load(path: path.path)
        XCTAssertEqual(net.network, "my-network")
        XCTAssertEqual(net.subnet?.description, "10.0.0.0/24")
        let tasks = net.services.flatMap(\.tasks) + net.containers
        XCTAssertEqual(tasks.count, 8, "my-web 3, my-pub 2, my-rr 2, the container client")
        XCTAssertEqual(Set(tasks.map(\.node)), [try IPv4Address(parsing: "192.168.99.1")])
        let here = try OverlayPeerSet.remote(of: net, localNode: IPv4Address(parsing: "192.168.99.1"))
        XCTAssertEqual(here.peers, [], "no peer for the tasks of this node")
        let other = try OverlayPeerSet.remote(of: net, localNode: IPv4Address(parsing: "192.168.99.2"))
        XCTAssertEqual(
            other.peers.map { "\($0.address) \($0.mac) \($0.vtep)" }.sorted(),
            [
                "10.0.0.10 02:42:0a:00:00:0a 192.168.99.1", "10.0.0.12 02:42:0a:00:00:0c 192.168.99.1",
                "10.0.0.3 02:42:0a:00:00:03 192.168.99.1", "10.0.0.4 02:42:0a:00:00:04 192.168.99.1",
                "10.0.0.5 02:42:0a:00:00:05 192.168.99.1", "10.0.0.7 02:42:0a:00:00:07 192.168.99.1",
                "10.0.0.8 02:42:0a:00:00:08 192.168.99.1", "10.0.0.9 02:42:0a:00:00:09 192.168.99.1",
            ])
        XCTAssertEqual(other.subnet, net.subnet)
    }

    func testApplyTakesOneNetworkOnly() throws {
        let text = try String(contentsOfFile: Self.fixture, encoding: .utf8)
        XCTAssertThrowsError(try ServicesFile.parse(text, file: "n.json")) { error in
            XCTAssertEqual(
                "\(error)", "n.json: holds 2 networks (my-network, ingress); this command takes one (docker network inspect -v NET)")
        }
    }

    /// Three networks as `docker network inspect -v` prints them, cut to what a reader meets: an IPv6
    /// subnet beside the IPv4 one, the containers' service `""`, a dnsrr service, Tasks null, a bridge network.
    static let small = try! String(
        contentsOfFile: fixture.replacingOccurrences(of: "inspect.json", with: "inspect-small.json"), encoding: .utf8)

    func testReadsEachFieldAsDockerPrintsIt() throws {
        let networks = try ServicesFile.parseNetworks(Self.small, file: "n.json")
        XCTAssertEqual(networks.map(\.network), ["my-network", "other", "bridge"])
        XCTAssertEqual(networks[0].subnet?.description, "10.0.0.0/24", "the IPv4 subnet of IPAM.Config")
        XCTAssertEqual(networks[0].nodes.map(\.description), ["192.168.99.2", "192.168.99.1"], "Peers[].IP: the network's nodes")
        XCTAssertEqual(networks[1].nodes, [], "no Peers")
        XCTAssertEqual(
            networks[0].containers,
            [
                NetworkServices.Task(
                    name: "client", ip: try IPv4Address(parsing: "10.0.0.9"), node: try IPv4Address(parsing: "192.168.99.1"))
            ],
            "Info.\"Host IP\": the task's node")
        let web = networks[0].services[0]
        XCTAssertEqual(web.tasks.map(\.node), [nil, nil], "Info without Host IP: node unknown")
        XCTAssertEqual(web.name, "my-web")
        XCTAssertEqual(web.fwmark?.value, 257)
        XCTAssertEqual(web.tasks.map(\.ip.description), ["10.0.0.3", "10.0.0.4"], "the /prefix dropped")
        XCTAssertEqual(networks[0].services[1].endpointMode, .dnsrr)
        XCTAssertEqual(networks[0].services[1].tasks, [], "Tasks null")
        XCTAssertEqual(networks[2].services, [])
    }

    func testErrorsNameFilePositionAndField() {
        func error(_ text: String) -> ServicesFileError? {
            do { _ = try ServicesFile.parseNetworks(text, file: "n.json"); return nil } catch { return error }
        }
        let badTask = Self.small.replacingOccurrences(of: "\"10.0.0.4\"", with: "\"10.0.0.400\"")
        XCTAssertEqual(
            error(badTask)?.description, #"n.json:11: field [0].Services.my-web.Tasks[1].EndpointIP: invalid IPv4 address: "10.0.0.400""#)
        let badVIP = Self.small.replacingOccurrences(of: "\"10.1.0.2\"", with: "\"nope\"")
        XCTAssertEqual(error(badVIP)?.field, "[1].Services.api.VIP")
        XCTAssertEqual(error(badVIP)?.line, 16)
        let outside = Self.small.replacingOccurrences(of: "\"10.1.0.3\"", with: "\"10.2.0.3\"")
        XCTAssertEqual(
            error(outside)?.description,
            "n.json:16: field [1].Services.api.Tasks[0].EndpointIP: 10.2.0.3 is outside the network's subnet 10.1.0.0/24")
        let sameName = Self.small.replacingOccurrences(
            of: "\"Name\": \"client\", \"EndpointID\": \"e1\"", with: "\"Name\": \"My-Web\", \"EndpointID\": \"e1\"")
        XCTAssertEqual(error(sameName)?.field, "[0].Services.\"\".Tasks[0].Name")
        XCTAssertEqual(error(sameName)?.reason, #"name "My-Web" is already used by services[0].name"#)
        let badIndex = Self.small.replacingOccurrences(of: "259", with: "\"x\"")
        XCTAssertEqual(error(badIndex)?.field, "[1].Services.api.LocalLBIndex")
        XCTAssertEqual(
            error(Self.small.replacingOccurrences(of: "\"Name\": \"other\"", with: "\"Name\": \"My-Network\""))?.field, "[1].Name")
        XCTAssertEqual(error("[]")?.reason, "the array holds no network")
        XCTAssertEqual(error("[{\"Name\": \"n\", \"Services\": []}]")?.field, "[0].Services")
        XCTAssertEqual(error("[{\"Id\": \"n\"}]")?.field, "[0].Name")
    }
}
