import XCTest

@testable import SwarmLBKit

/// apply's SNAT policy (which subnet, which source), decided from what the namespace holds on the
/// device, on the fake namespace: the file's subnet or the device's, the device's own address within
/// it or --to-source, and the refusal when VIP-mode services would have no source.
final class SNATPolicyTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }
    let net = { (s: String) in try! IPv4Subnet(parsing: s) }

    /// eth0 with a VIP /32 listed before its own addresses, as a namespace apply already ran in holds them.
    func namespace(_ own: [(String, Int)] = [("10.0.0.2", 32), ("10.0.1.5", 24), ("10.0.0.5", 24)]) -> FakeNamespace {
        let ns = FakeNamespace()
        ns.links["eth1"] = true
        ns.addressList =
            [InterfaceAddress(address: a("10.0.0.9"), prefixLength: 24, device: "eth1")]
            + own.map { InterfaceAddress(address: a($0.0), prefixLength: $0.1, device: "eth0") }
        return ns
    }

    func network(subnet: String? = "10.0.0.0/24", mode: NetworkServices.EndpointMode = .vip) -> NetworkServices {
        let web = NetworkServices.Service(
            name: "web", vip: mode == .vip ? a("10.0.0.2") : nil, fwmark: mode == .vip ? FirewallMark(0x101) : nil,
            endpointMode: mode, tasks: [NetworkServices.Task(name: "web.1", ip: a("10.0.0.3"))])
        return NetworkServices(network: "n", subnet: subnet.map(net), services: [web])
    }

    func snat(_ network: NetworkServices, _ ns: FakeNamespace, toSource: String? = nil) throws -> SNATRule? {
        try LoadBalancerIntent(network, device: "eth0", chain: "INPUT", toSource: toSource.map(a), in: ns).snat
    }

    func rule(_ subnet: String, _ source: String) -> SNATRule { SNATRule(subnet: net(subnet), source: a(source)) }

    func failure(_ network: NetworkServices, _ ns: FakeNamespace, device: String = "eth0") -> String {
        do {
            _ = try LoadBalancerIntent(network, device: device, chain: "INPUT", toSource: nil, in: ns)
            return "made"
        } catch {
            return "\(error)"
        }
    }

    /// The file's subnet; the source is the device's address within it, not its first address, not a
    /// /32 VIP, not another device's address in the subnet.
    func testSourceIsTheDevicesOwnAddressInTheFilesSubnet() throws {
        XCTAssertEqual(try snat(network(), namespace()), rule("10.0.0.0/24", "10.0.0.5"))
    }

    /// Without a subnet in the file: the subnet of the device's first address wider than /32.
    func testSubnetFromTheDevicesFirstAddressWhenTheFileNamesNone() throws {
        XCTAssertEqual(try snat(network(subnet: nil), namespace()), rule("10.0.1.0/24", "10.0.1.5"))
    }

    /// --to-source wins over the device's addresses, even one outside the subnet (Docker's LB address).
    func testToSourceIsTakenAsGiven() throws {
        XCTAssertEqual(
            try snat(network(), namespace(), toSource: "10.0.7.7"), rule("10.0.0.0/24", "10.0.7.7"))
    }

    /// VIP-mode services and no address of the device within the subnet: refused, naming the subnet.
    func testNoSourceForVIPServicesIsRefused() {
        XCTAssertEqual(
            failure(network(), namespace([("10.0.1.5", 24)])),
            "invalid device for apply: it has no address within 10.0.0.0/24 to be the SNAT source; give --to-source: \"eth0\"")
        XCTAssertEqual(
            failure(network(subnet: nil), namespace([("10.0.0.2", 32)])),
            "invalid device for apply: it has no address within the services file's subnet to be the SNAT source; give --to-source: \"eth0\""
        )
    }

    /// dnsrr services need no SNAT: no rule and no refusal.
    func testDNSRoundRobinOnlyNeedsNoSource() throws {
        XCTAssertNil(try snat(network(mode: .dnsrr), namespace([("10.0.1.5", 24)])))
    }

    /// An unknown device is the kernel's "no such device", before any address is looked at.
    func testUnknownDeviceIsAnError() {
        XCTAssertEqual(failure(network(), namespace(), device: "eth9"), "\(KernelError.noSuchDevice("eth9"))")
    }

    /// The policy's rule is what apply plans: its SNAT line on the namespace it was read from.
    func testApplyPlansThePolicysRule() throws {
        let ns = namespace()
        let intent = try LoadBalancerIntent(network(), device: "eth0", chain: "INPUT", toSource: nil, in: ns)
        let lines = try Transaction.plan([.reconcile(intent, prune: false)], in: ns, ifExists: false).scriptLines
        XCTAssertEqual(
            lines.filter { $0.contains(" nat ") },
            ["iptables-nft -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5"])
    }
}
