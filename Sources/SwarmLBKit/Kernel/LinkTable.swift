import CNetlink
import Glibc

/// Network devices of the current namespace over rtnetlink. Mirrors `ip link show` / `ip link set DEV up`.
public final class LinkTable {
    let socket: NetlinkSocket

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
            peerTarget = try syscall("open", peer.namespace.path) { open(peer.namespace.path, O_RDONLY | O_CLOEXEC) }
        } else {
            peerTarget = nil
        }
        defer { if let peerTarget { close(peerTarget) } }
        let m = try RouteMessage(
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
        let m = try RouteMessage(type: Int32(RTM_DELLINK), flags: 0, header: header, object: name)
        try socket.request(m.message, operation: "deleting device", object: name)
    }

    /// Enslaves a device to a bridge, or frees it (nil). `ip link set DEV master BR` / `nomaster`.
    public func setMaster(_ name: String, master: String?) throws(KernelError) {
        var header = ifinfomsg()
        header.ifi_index = try device(name).index
        let masterIndex = try master.map { m throws(KernelError) in try device(m).index } ?? 0
        let m = try RouteMessage(type: Int32(RTM_NEWLINK), flags: 0, header: header, object: name)
        try m.put(Int32(IFLA_MASTER), u32: UInt32(masterIndex))
        try socket.request(m.message, operation: master.map { "enslaving to \($0)" } ?? "freeing from its bridge", object: name)
    }
}
