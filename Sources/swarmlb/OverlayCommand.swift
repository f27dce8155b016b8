import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb overlay`: an overlay network's plane built as Docker's overlay driver builds it, without
/// Docker: the network's namespace (`create`: `ip link add br0 type bridge`, `ip link add vxlan0 type
/// vxlan id VNI dstport 4789 proxy l2miss l3miss`), a container's endpoint (`attach`: a veth pair) and
/// the tasks on other nodes (`peer add|del`: `ip neigh ... nud permanent`, `bridge fdb ... self permanent`).
struct OverlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlay",
        abstract: "Build an overlay network's plane as Docker does: its namespace's bridge and VXLAN device, containers, peers.",
        discussion: """
            -n names the overlay namespace (Docker's 1-<network id>); create it first, e.g. 'ip netns add ov1'.
            """,
        subcommands: [Create.self, Attach.self, Peer.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create br0 (the gateway address) and vxlan0 (Docker's settings, enslaved), both up, in one transaction.",
            discussion: """
                vxlan0 is made in the underlay namespace (default: the one swarmlb was started in, the host) and placed in the \
                overlay namespace, as Docker makes it in the host and moves it: its tunnel uses the underlay's addresses and routes.
                Example: ip netns add ov1; swarmlb -n ov1 overlay create --vni 4097 --subnet 10.0.0.0/24 --gateway 10.0.0.1
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @Option(help: "VXLAN network id (Docker's start at 4097).", transform: Parse.vni) var vni: UInt32
        @Option(help: "The network's subnet, e.g. 10.0.0.0/24.", transform: Parse.subnet) var subnet: IPv4Subnet
        @Option(help: "The gateway address br0 holds, e.g. 10.0.0.1.", transform: Parse.address) var gateway: IPv4Address
        @Option(help: "MTU of vxlan0 (br0 follows it): the underlay's less 50. Default: 1450.", transform: Parse.mtu)
        var mtu = OverlayNetwork.defaultMTU
        @Option(help: "VXLAN UDP port. Default: 4789.", transform: Parse.udpPort) var port = OverlayNetwork.vxlanPort
        @Option(help: "Source address of the tunnel (vxlan local). Default: the underlay's route decides.", transform: Parse.address)
        var local: IPv4Address?
        @Option(
            help: "Namespace vxlan0's tunnel lives in (its underlay). Default: the one swarmlb was started in.",
            completion: Completions.namespaces, transform: Parse.namespace)
        var underlay: NamespaceTarget?

        func run() throws {
            let network = try OverlayNetwork.Definition(vni: vni, subnet: subnet, gateway: gateway, mtu: mtu, port: port, local: local)
            let underlayNamespace = try underlay.map { try NetNamespace($0) } ?? NetNamespace.started()
            let session = try Session(common)
            let overlay = session.namespace ?? underlayNamespace
            let changes = network.createChanges(underlay: overlay == underlayNamespace ? nil : underlayNamespace, overlay: overlay)
            try session.apply(changes, change)
        }
    }

    struct Attach: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "attach",
            abstract: "Join a container's namespace to the overlay: a veth pair, its end in the container named eth0 with address and MAC.",
            discussion: """
                The end in the overlay namespace becomes a port of br0; the container gets only the subnet's route, as from \
                Docker's overlay (its default route goes through docker_gwbridge).
                Example: swarmlb -n ov1 overlay attach --container task1 --ip 10.0.0.5/24
                """)
        @OptionGroup var common: CommonOptions
        @OptionGroup var change: ChangeOptions
        @Option(help: "The container's namespace.", completion: Completions.namespaces, transform: Parse.namespace)
        var container: NamespaceTarget
        @Option(help: "The container's address with prefix length, e.g. 10.0.0.5/24.", transform: Parse.addressWithPrefix)
        var ip: InterfaceAddress
        @Option(
            help:
                "The container interface's MAC: 'derived' (02:42 and the address, Docker before 25.0), 'random' (Docker 25+), or an address. Default: derived."
        )
        var mac = "derived"
        @Option(help: "Name of the interface in the container. Default: eth0.", transform: Parse.device) var name = "eth0"
        @Option(help: "Name of the end in the overlay namespace. Default: veth and the address in hex.", transform: Parse.device)
        var veth: String?
        @Option(help: "MTU of both ends. Default: 1450.", transform: Parse.mtu) var mtu = OverlayNetwork.defaultMTU
        @Option(help: "The overlay namespace's bridge. Default: br0.", transform: Parse.device) var bridge = "br0"

        func validate() throws {
            if !["derived", "random"].contains(mac) { _ = try Parse.mac(mac) }
        }

        func run() throws {
            let macAddress =
                switch mac {
                case "derived": MACAddress(derivedFrom: ip.address)
                case "random": MACAddress.random()
                default: try Parse.mac(mac)
                }
            let attachment = OverlayAttachment(
                address: InterfaceAddress(address: ip.address, prefixLength: ip.prefixLength, device: name), mac: macAddress, veth: veth,
                mtu: mtu, bridge: bridge)
            let containerNamespace = try NetNamespace(container)
            let session = try Session(common)
            try session.apply(attachment.attachChanges(container: containerNamespace, name: name), change)
        }
    }

    struct Peer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "peer", abstract: "A task on another node: its neighbour and FDB entries on vxlan0.",
            subcommands: [Add.self, Del.self])

        struct Arguments: ParsableArguments {
            @Argument(help: "The task's overlay address, e.g. 10.0.0.7.", transform: Parse.address) var ip: IPv4Address
            @Argument(help: "The task's MAC, e.g. 02:42:0a:00:00:07.", transform: Parse.mac) var mac: MACAddress
            @Argument(help: "The other node's underlay address (its VTEP), e.g. 192.168.99.2.", transform: Parse.address)
            var vtep: IPv4Address
            @Option(help: "The VXLAN device. Default: vxlan0.", transform: Parse.device) var dev = "vxlan0"

            var peer: OverlayPeer { OverlayPeer(address: ip, mac: mac, vtep: vtep, device: dev) }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "ip neigh add IP lladdr MAC dev vxlan0 nud permanent + bridge fdb add MAC dev vxlan0 dst VTEP self permanent.",
                discussion:
                    "Entries that point elsewhere are replaced. Example: swarmlb -n ov1 overlay peer add 10.0.0.7 02:42:0a:00:00:07 192.168.99.2"
            )
            @OptionGroup var common: CommonOptions
            @OptionGroup var change: ChangeOptions
            @OptionGroup var arguments: Arguments

            func run() throws {
                try Session(common).apply(arguments.peer.addChanges, change)
            }
        }

        struct Del: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "del", abstract: "Remove a peer's FDB and neighbour entries.",
                discussion: "An entry that points elsewhere than given is not removed, and says so.")
            @OptionGroup var common: CommonOptions
            @OptionGroup var change: ChangeOptions
            @OptionGroup var removal: RemovalOptions
            @OptionGroup var arguments: Arguments

            func run() throws {
                try Session(common).apply(arguments.peer.deleteChanges, change, ifExists: removal.ifExists)
            }
        }
    }
}
