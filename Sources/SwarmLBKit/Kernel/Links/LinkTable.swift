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
