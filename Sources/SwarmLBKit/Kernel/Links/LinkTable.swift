import CNetlink
import Glibc

/// Network devices of the current namespace over rtnetlink. Mirrors `ip link show` / `ip link set DEV up`.
public final class LinkTable {
    private let socket: NetlinkSocket

    public init() throws(KernelError) {
        socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
    }

    /// A device's index and flags, read from the kernel.
    public func device(_ name: String) throws(KernelError) -> (index: Int32, flags: UInt32) {
        var link: OpaquePointer?
        let r = rtnl_link_get_kernel(socket.sock, 0, name, &link)
        guard r == 0, let link else {
            let e = NetlinkSocket.errno(fromNL: r)
            if e == ENODEV || e == ENOENT { throw .noSuchDevice(name) }
            throw .netlink(operation: "looking up device", object: name, errno: e)
        }
        defer { rtnl_link_put(link) }
        return (rtnl_link_get_ifindex(link), rtnl_link_get_flags(link))
    }

    /// The name of the device with this index, asked of this table's namespace; nil when there is none.
    public func name(ofIndex index: Int32) -> String? {
        var link: OpaquePointer?
        guard rtnl_link_get_kernel(socket.sock, index, nil, &link) == 0, let link else { return nil }
        defer { rtnl_link_put(link) }
        return rtnl_link_get_name(link).map { String(cString: $0) }
    }

    /// Every device's kind by name (`bridge`, `vxlan`, `veth`; "" for a device without one, such
    /// as lo), as `ip -d link show` prints it on its second line.
    public func kinds() throws(KernelError) -> [String: String] {
        var cache: OpaquePointer?
        let r = rtnl_link_alloc_cache(socket.sock, AF_UNSPEC, &cache)
        guard r == 0, let cache else { throw .netlink(operation: "listing", object: "devices", errno: NetlinkSocket.errno(fromNL: r)) }
        defer { nl_cache_free(cache) }
        var kinds: [String: String] = [:]
        var object = nl_cache_get_first(cache)
        while let link = object {
            object = nl_cache_get_next(link)
            guard let name = rtnl_link_get_name(link) else { continue }
            kinds[String(cString: name)] = rtnl_link_get_type(link).map { String(cString: $0) } ?? ""
        }
        return kinds
    }

    /// Every device as `ip -d -o link show` reads it: one RTM_GETLINK dump (with IFLA_EXT_MASK
    /// RTEXT_FILTER_VF, as ip asks), in the kernel's order, names of other devices resolved within it.
    public func details() throws(KernelError) -> [LinkDetail] {
        let raw = try rawLinks()
        let devices = DeviceIndex(raw)
        var netnsNames: [Int32: String]?
        return raw.map { m in
            let header = m.payload
            let type = header.u16(at: 2)
            let index = Int32(bitPattern: header.u32(at: 4))
            let rawFlags = header.u32(at: 8)
            let tb = m.attributes(after: 16)
            var link: String?
            var lowerDown = false
            if let iflink = tb.u32(IFLA_LINK) {
                if iflink == 0 {
                    link = "NONE"
                } else if tb.has(IFLA_LINK_NETNSID) {
                    link = "if\(iflink)"
                } else {
                    link = devices.name(iflink)
                    lowerDown = (devices.flags(iflink) ?? 0) & 0x1 == 0
                }
            }
            var netnsid: Int32?
            var netns: String?
            if let id = tb.u32(IFLA_LINK_NETNSID) {
                netnsid = Int32(bitPattern: id)
                if id <= UInt32(Int32.max) {
                    if netnsNames == nil { netnsNames = NamespaceIDs.names(socket: socket) }
                    netns = netnsNames?[Int32(bitPattern: id)]
                }
            }
            let info = tb.nested(IFLA_LINKINFO)
            let kind = info?.string(IFLA_INFO_KIND)
            let slaveKind = info?.string(IFLA_INFO_SLAVE_KIND)
            let addrGenMode = tb.nested(IFLA_AF_SPEC)?.nested(AF_INET6)?.u8(IFLA_INET6_ADDR_GEN_MODE).map(Self.addrGenModeName)
            let address = tb[IFLA_ADDRESS]
            let permanent = tb[IFLA_PERM_ADDRESS].flatMap { p in address.map(Array.init) == Array(p) ? nil : p }
            return LinkDetail(
                index: index, name: tb.string(IFLA_IFNAME) ?? "if\(index)", link: link,
                flags: Self.flagNames(rawFlags, lowerDown: lowerDown), mtu: tb.u32(IFLA_MTU), qdisc: tb.string(IFLA_QDISC),
                master: tb.u32(IFLA_MASTER).map(devices.name), operstate: tb.u8(IFLA_OPERSTATE).map(Self.operstateName),
                linkMode: tb.u8(IFLA_LINKMODE).map { $0 == 0 ? "DEFAULT" : $0 == 1 ? "DORMANT" : $0 == 2 ? "TESTING" : String($0) },
                group: tb.u32(IFLA_GROUP).map(names.group), txQueueLength: tb.u32(IFLA_TXQLEN),
                linkType: LinkAddressText.typeName(type), address: address.map { LinkAddressText.hardware($0, type: type) },
                broadcast: tb[IFLA_BROADCAST].map { LinkAddressText.hardware($0, type: type) },
                pointToPoint: rawFlags & 0x10 != 0, permanentAddress: permanent.map { LinkAddressText.hardware($0, type: type) },
                linkNetnsid: netnsid, linkNetns: netns, promiscuity: tb.u32(IFLA_PROMISCUITY), allmulti: tb.u32(IFLA_ALLMULTI),
                minMTU: tb.u32(IFLA_MIN_MTU), maxMTU: tb.u32(IFLA_MAX_MTU),
                kind: kind,
                kindSettings: LinkKindSettings.settings(kind: kind ?? "", slave: false, info?.nested(IFLA_INFO_DATA), names: devices.name),
                slaveKind: slaveKind,
                slaveSettings: LinkKindSettings.settings(
                    kind: slaveKind ?? "", slave: true, info?.nested(IFLA_INFO_SLAVE_DATA), names: devices.name),
                addrGenMode: addrGenMode, txQueues: tb.u32(IFLA_NUM_TX_QUEUES), rxQueues: tb.u32(IFLA_NUM_RX_QUEUES),
                gsoMaxSize: tb.u32(IFLA_GSO_MAX_SIZE), gsoMaxSegments: tb.u32(IFLA_GSO_MAX_SEGS), tsoMaxSize: tb.u32(IFLA_TSO_MAX_SIZE),
                tsoMaxSegments: tb.u32(IFLA_TSO_MAX_SEGS), groMaxSize: tb.u32(IFLA_GRO_MAX_SIZE), alias: tb.string(IFLA_IFALIAS))
        }
    }

    private lazy var names = IPRouteNames.read()

    /// The namespace files under `directory` by the id this namespace gives each (RTM_GETNSID), for
    /// naming where a veth leads (IFLA_LINK_NETNSID); a file whose namespace has no id here is left out.
    public func namespaceIDs(in directory: String) -> [Int32: String] { NamespaceIDs.names(socket: socket, directory: directory) }

    /// The RTM_NEWLINK answers of one link dump.
    func rawLinks() throws(KernelError) -> [RouteMessage] {
        // ifinfomsg, all zero: every family, every device.
        try socket.dump(
            Int32(RTM_GETLINK), header: [UInt8](repeating: 0, count: 16), attributes: [(Int32(IFLA_EXT_MASK), 1)],
            operation: "listing", object: "devices"
        ).filter { $0.type == UInt16(RTM_NEWLINK) && $0.payload.count >= 16 }
    }

    /// Names, ARPHRD types and flags of the devices by index, as iproute2's ll_map caches them.
    struct DeviceIndex {
        private var devices: [UInt32: (name: String, type: UInt16, flags: UInt32)] = [:]

        init(_ links: [RouteMessage]) {
            for m in links {
                let index = m.payload.u32(at: 4)
                devices[index] = (m.attributes(after: 16).string(IFLA_IFNAME) ?? "if\(index)", m.payload.u16(at: 2), m.payload.u32(at: 8))
            }
        }

        /// ll_index_to_name: `if<N>` for an index the namespace does not hold.
        func name(_ index: UInt32) -> String { devices[index]?.name ?? "if\(index)" }
        func type(_ index: UInt32) -> UInt16 { devices[index]?.type ?? 0xffff }
        func flags(_ index: UInt32) -> UInt32? { devices[index]?.flags }
    }

    /// print_link_flags: NO-CARRIER when up without IFF_RUNNING, the IFF_* names in iproute2's
    /// order, leftover bits in hex, M-DOWN when the device this one is stacked on is down.
    static func flagNames(_ flags: UInt32, lowerDown: Bool) -> [String] {
        var names: [String] = []
        var rest = flags
        if rest & 0x1 != 0 && rest & 0x40 == 0 { names.append("NO-CARRIER") }
        rest &= ~0x40
        let table: [(UInt32, String)] = [
            (0x8, "LOOPBACK"), (0x2, "BROADCAST"), (0x10, "POINTOPOINT"), (0x1000, "MULTICAST"), (0x80, "NOARP"),
            (0x200, "ALLMULTI"), (0x100, "PROMISC"), (0x400, "MASTER"), (0x800, "SLAVE"), (0x4, "DEBUG"), (0x8000, "DYNAMIC"),
            (0x4000, "AUTOMEDIA"), (0x2000, "PORTSEL"), (0x20, "NOTRAILERS"), (0x1, "UP"), (0x10000, "LOWER_UP"),
            (0x20000, "DORMANT"), (0x40000, "ECHO"),
        ]
        for (bit, name) in table where rest & bit != 0 {
            rest &= ~bit
            names.append(name)
        }
        if rest != 0 { names.append(String(rest, radix: 16)) }
        if lowerDown { names.append("M-DOWN") }
        return names
    }

    private static func operstateName(_ state: UInt8) -> String {
        let names = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"]
        return Int(state) < names.count ? names[Int(state)] : LinkKindSettings.alternateHex(state)
    }

    private static func addrGenModeName(_ mode: UInt8) -> String {
        switch mode {
        case 0: "eui64"
        case 1: "none"
        case 2: "stable_secret"
        case 3: "random"
        default: "0x" + (mode < 16 ? "0" : "") + String(mode, radix: 16)
        }
    }

    public func isUp(_ name: String) throws(KernelError) -> Bool {
        try device(name).flags & UInt32(swlb_iff_up()) != 0
    }

    /// Brings a device up or down. `ip link set DEV up|down`.
    public func set(_ name: String, up: Bool) throws(KernelError) {
        let index = try device(name).index
        guard let change = rtnl_link_alloc() else { throw .netlink(operation: "allocating", object: "link", errno: ENOMEM) }
        defer { rtnl_link_put(change) }
        rtnl_link_set_ifindex(change, index)
        if up { rtnl_link_set_flags(change, UInt32(swlb_iff_up())) } else { rtnl_link_unset_flags(change, UInt32(swlb_iff_up())) }
        var msg: OpaquePointer?
        let r = rtnl_link_build_change_request(change, change, 0, &msg)
        guard r == 0, let msg else {
            throw .netlink(operation: "building link change for", object: name, errno: NetlinkSocket.errno(fromNL: r))
        }
        try socket.request(msg, operation: up ? "bringing up" : "bringing down", object: name)
    }
}

/// The loopback device, which IPVS needs up before it accepts real servers in a fresh namespace.
enum Loopback {
    static func isUp() -> Bool {
        (try? LinkTable().isUp("lo")) ?? false
    }
}

/// What the overlay commands compare of an existing device: `ip -d link show DEV`'s kind, MTU,
/// master, address and, for a VXLAN device, its VNI.
public struct LinkState: Sendable, Equatable {
    public var kind: String
    public var mtu: Int
    public var master: String?
    public var up: Bool
    public var vni: UInt32?
}

extension LinkTable {
    /// A device's state, or nil when there is none of that name. `ip -d link show DEV`.
    public func state(_ name: String) throws(KernelError) -> LinkState? {
        var link: OpaquePointer?
        let r = rtnl_link_get_kernel(socket.sock, 0, name, &link)
        guard r == 0, let link else {
            let e = NetlinkSocket.errno(fromNL: r)
            if e == ENODEV || e == ENOENT { return nil }
            throw .netlink(operation: "looking up device", object: name, errno: e)
        }
        defer { rtnl_link_put(link) }
        let kind = rtnl_link_get_type(link).map { String(cString: $0) } ?? ""
        var vni: UInt32 = 0
        let master = rtnl_link_get_master(link)
        return LinkState(
            kind: kind, mtu: Int(rtnl_link_get_mtu(link)), master: master > 0 ? self.name(ofIndex: master) : nil,
            up: rtnl_link_get_flags(link) & UInt32(swlb_iff_up()) != 0,
            vni: kind == "vxlan" && rtnl_link_vxlan_get_id(link, &vni) == 0 ? vni : nil)
    }

    /// Creates a device; a VXLAN device or a veth peer meant for another namespace is placed there
    /// at once (IFLA_NET_NS_FD), `into` being the namespace file of the device itself when it is not
    /// this one. `ip link add NAME [mtu N] [netns NS] type bridge|vxlan ...|veth peer name P ...`.
    public func create(_ definition: LinkDefinition, into: NetNamespace? = nil) throws(KernelError) {
        let target = try into.map { ns throws(KernelError) in try syscall("open", ns.path) { open(ns.path, O_RDONLY | O_CLOEXEC) } }
        defer { if let target { close(target) } }
        let peerTarget: Int32?
        if case .veth(let peer) = definition.kind {
            peerTarget = try syscall("open", peer.namespace) { open(peer.namespace, O_RDONLY | O_CLOEXEC) }
        } else {
            peerTarget = nil
        }
        defer { if let peerTarget { close(peerTarget) } }
        let m = try RouteRequest(
            type: Int32(RTM_NEWLINK), flags: NLM_F_CREATE | NLM_F_EXCL, header: ifinfomsg(), object: definition.name)
        try m.put(Int32(IFLA_IFNAME), string: definition.name)
        if let mtu = definition.mtu { try m.put(Int32(IFLA_MTU), u32: UInt32(mtu)) }
        if let target { try m.put(Int32(IFLA_NET_NS_FD), u32: UInt32(target)) }
        try m.nest(Int32(IFLA_LINKINFO)) { () throws(KernelError) in
            try m.put(Int32(IFLA_INFO_KIND), string: definition.kind.name)
            switch definition.kind {
            case .bridge: break
            case .vxlan(let v):
                try m.nest(Int32(IFLA_INFO_DATA)) { () throws(KernelError) in
                    // The attributes Docker's netlink library sends for its Vxlan link, in its order.
                    try m.put(Int32(IFLA_VXLAN_ID), u32: v.vni)
                    if let local = v.local { try m.put(Int32(IFLA_VXLAN_LOCAL), address: local) }
                    try m.put(Int32(IFLA_VXLAN_TTL), u8: 0)
                    try m.put(Int32(IFLA_VXLAN_TOS), u8: 0)
                    try m.put(Int32(IFLA_VXLAN_LEARNING), u8: 1)
                    try m.put(Int32(IFLA_VXLAN_PROXY), u8: 1)
                    try m.put(Int32(IFLA_VXLAN_RSC), u8: 0)
                    try m.put(Int32(IFLA_VXLAN_L2MISS), u8: 1)
                    try m.put(Int32(IFLA_VXLAN_L3MISS), u8: 1)
                    try m.put(Int32(IFLA_VXLAN_UDP_ZERO_CSUM6_TX), u8: 0)
                    try m.put(Int32(IFLA_VXLAN_UDP_ZERO_CSUM6_RX), u8: 0)
                    try m.put(Int32(IFLA_VXLAN_PORT), be16: v.port)
                }
            case .veth(let peer):
                try m.nest(Int32(IFLA_INFO_DATA)) { () throws(KernelError) in
                    try m.nest(Int32(VETH_INFO_PEER)) { () throws(KernelError) in
                        try m.append(ifinfomsg())
                        try m.put(Int32(IFLA_IFNAME), string: peer.name)
                        if let mtu = peer.mtu { try m.put(Int32(IFLA_MTU), u32: UInt32(mtu)) }
                        if let mac = peer.mac { try m.put(Int32(IFLA_ADDRESS), bytes: mac.bytes) }
                        if let peerTarget { try m.put(Int32(IFLA_NET_NS_FD), u32: UInt32(peerTarget)) }
                    }
                }
            }
        }
        try socket.request(m.message, operation: "creating device", object: definition.name)
    }

    /// Deletes a device (both ends of a veth pair). `ip link del DEV`.
    public func delete(_ name: String) throws(KernelError) {
        var header = ifinfomsg()
        header.ifi_index = try device(name).index
        let m = try RouteRequest(type: Int32(RTM_DELLINK), flags: 0, header: header, object: name)
        try socket.request(m.message, operation: "deleting device", object: name)
    }

    /// Enslaves a device to a bridge, or frees it (nil). `ip link set DEV master BR` / `nomaster`.
    public func setMaster(_ name: String, master: String?) throws(KernelError) {
        var header = ifinfomsg()
        header.ifi_index = try device(name).index
        let masterIndex = try master.map { m throws(KernelError) in try device(m).index } ?? 0
        let m = try RouteRequest(type: Int32(RTM_NEWLINK), flags: 0, header: header, object: name)
        try m.put(Int32(IFLA_MASTER), u32: UInt32(masterIndex))
        try socket.request(m.message, operation: master.map { "enslaving to \($0)" } ?? "freeing from its bridge", object: name)
    }
}
