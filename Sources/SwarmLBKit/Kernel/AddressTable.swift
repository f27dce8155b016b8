import CNetlink
import Glibc

/// IPv4 addresses of the current namespace over rtnetlink. Mirrors `ip addr add|del|show`.
public final class AddressTable {
    private let socket: NetlinkSocket
    private let links: LinkTable

    public init() throws(KernelError) {
        socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
        links = try LinkTable()
    }

    /// Every IPv4 address in the namespace. `ip -4 addr show`.
    public func addresses() throws(KernelError) -> [InterfaceAddress] {
        var cache: OpaquePointer?
        let r = rtnl_addr_alloc_cache(socket.sock, &cache)
        guard r == 0, let cache else { throw .netlink(operation: "listing", object: "addresses", errno: NetlinkSocket.errno(fromNL: r)) }
        defer { nl_cache_free(cache) }
        var result: [InterfaceAddress] = []
        var object = nl_cache_get_first(cache)
        while let o = object {
            let addr = o
            if rtnl_addr_get_family(addr) == AF_INET, let local = rtnl_addr_get_local(addr),
               nl_addr_get_len(local) == 4, let bytes = nl_addr_get_binary_addr(local) {
                var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
                let index = UInt32(rtnl_addr_get_ifindex(addr))
                let device = if_indextoname(index, &name) != nil ? String(cString: name) : "if\(index)"
                result.append(InterfaceAddress(address: IPv4Address(networkOrder: bytes.loadUnaligned(as: UInt32.self)),
                                               prefixLength: Int(rtnl_addr_get_prefixlen(addr)), device: device))
            }
            object = nl_cache_get_next(o)
        }
        return result
    }

    /// Assigns an address. `ip addr add 10.0.0.2/32 dev eth0`.
    public func add(_ a: InterfaceAddress) throws(KernelError) {
        try send(a, operation: "adding address") { addr, msg in
            rtnl_addr_build_add_request(addr, NLM_F_CREATE | NLM_F_EXCL, msg)
        }
    }

    /// Removes an address. `ip addr del 10.0.0.2/32 dev eth0`.
    public func delete(_ a: InterfaceAddress) throws(KernelError) {
        try send(a, operation: "deleting address") { addr, msg in
            rtnl_addr_build_delete_request(addr, 0, msg)
        }
    }

    private func send(_ a: InterfaceAddress, operation: String,
                      build: (OpaquePointer, UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws(KernelError) {
        let index = try links.device(a.device).index
        guard let addr = rtnl_addr_alloc() else { throw .netlink(operation: operation, object: a.description, errno: ENOMEM) }
        defer { rtnl_addr_put(addr) }
        var raw = a.address.networkOrder
        guard let local = nl_addr_build(AF_INET, &raw, 4) else { throw .netlink(operation: operation, object: a.description, errno: ENOMEM) }
        defer { nl_addr_put(local) }
        nl_addr_set_prefixlen(local, Int32(a.prefixLength))
        rtnl_addr_set_ifindex(addr, index)
        rtnl_addr_set_family(addr, AF_INET)
        rtnl_addr_set_prefixlen(addr, Int32(a.prefixLength))
        _ = rtnl_addr_set_local(addr, local)
        var msg: OpaquePointer?
        let r = build(addr, &msg)
        guard r == 0, let msg else { throw .netlink(operation: operation, object: a.description, errno: NetlinkSocket.errno(fromNL: r)) }
        try socket.request(msg, operation: operation, object: a.description)
    }
}
