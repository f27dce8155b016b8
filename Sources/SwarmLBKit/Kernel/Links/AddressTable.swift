import CNetlink
import Glibc

/// IPv4 addresses of the current namespace over rtnetlink. Mirrors `ip addr add|del|show`.
public final class AddressTable {
    private let socket: NetlinkSocket
    private let links: LinkTable
    private var indexes: [String: Int32] = [:]

    public init() throws(KernelError) {
        socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
        links = try LinkTable()
    }

    /// Every IPv4 address in the namespace, in kernel order. `ip -4 addr show`. Read straight from
    /// the dump's messages (IFA_LOCAL, else IFA_ADDRESS, as libnl's "local"), not through libnl's
    /// address objects: `apply` reads one per VIP, thousands.
    public func addresses() throws(KernelError) -> [InterfaceAddress] {
        guard let msg = nlmsg_alloc_simple(Int32(RTM_GETADDR), NLM_F_DUMP) else {
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var header = ifaddrmsg()
        header.ifa_family = UInt8(AF_INET)
        guard nlmsg_append(msg, &header, MemoryLayout<ifaddrmsg>.size, Int32(NLMSG_ALIGNTO)) == 0 else {
            nlmsg_free(msg)
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var found: [(address: UInt32, prefixLength: UInt8, index: Int32)] = []
        try socket.request(msg, operation: "listing", object: "addresses") { m in
            guard let nlh = nlmsg_hdr(m), nlh.pointee.nlmsg_type == RTM_NEWADDR,
                nlmsg_datalen(nlh) >= Int32(MemoryLayout<ifaddrmsg>.size)
            else { return }
            let ifa = nlmsg_data(nlh)!.loadUnaligned(as: ifaddrmsg.self)
            guard ifa.ifa_family == UInt8(AF_INET) else { return }
            var local: UInt32?
            var address: UInt32?
            var attr = nlmsg_attrdata(nlh, Int32(MemoryLayout<ifaddrmsg>.size))
            var remaining = nlmsg_attrlen(nlh, Int32(MemoryLayout<ifaddrmsg>.size))
            while let a = attr, nla_ok(a, remaining) != 0 {
                if nla_len(a) == 4 {
                    switch Int32(nla_type(a)) {
                    case Int32(IFA_LOCAL): local = nla_data(a)!.loadUnaligned(as: UInt32.self)
                    case Int32(IFA_ADDRESS): address = nla_data(a)!.loadUnaligned(as: UInt32.self)
                    default: break
                    }
                }
                attr = nla_next(a, &remaining)
            }
            if let raw = local ?? address { found.append((raw, ifa.ifa_prefixlen, Int32(ifa.ifa_index))) }
        }
        var names = DeviceNames(links)
        return found.map {
            InterfaceAddress(address: IPv4Address(networkOrder: $0.address), prefixLength: Int($0.prefixLength), device: names[$0.index])
        }
    }

    /// Every address of every family, grouped by interface in index order, each interface's IPv4
    /// addresses before its IPv6 ones, in kernel order: what `ip -o addr show` reads.
    public func details() throws(KernelError) -> [AddressDetail] {
        let protocols = try protocols()
        var result: [AddressDetail] = []
        try forEachAddress { addr, device in
            let family = rtnl_addr_get_family(addr)
            guard family == AF_INET || family == AF_INET6, let local = rtnl_addr_get_local(addr) else { return }
            let key = AddressKey(
                family: UInt8(family), index: rtnl_addr_get_ifindex(addr), prefixLength: UInt8(rtnl_addr_get_prefixlen(addr)),
                local: Self.bytes(local))
            result.append(
                AddressDetail(
                    interfaceIndex: rtnl_addr_get_ifindex(addr), interface: device, family: family == AF_INET ? "inet" : "inet6",
                    local: Self.text(local), peer: rtnl_addr_get_peer(addr).map(Self.text),
                    prefixLength: Int(rtnl_addr_get_prefixlen(addr)),
                    broadcast: rtnl_addr_get_broadcast(addr).map(Self.text), scope: UInt8(truncatingIfNeeded: rtnl_addr_get_scope(addr)),
                    flags: rtnl_addr_get_flags(addr), label: rtnl_addr_get_label(addr).map { String(cString: $0) },
                    validLifetime: rtnl_addr_get_valid_lifetime(addr), preferredLifetime: rtnl_addr_get_preferred_lifetime(addr),
                    protocol: protocols[key]))
        }
        // A stable sort keeps the kernel's order within each interface and family.
        return result.enumerated().sorted {
            ($0.element.interfaceIndex, $0.element.family == "inet6" ? 1 : 0, $0.offset)
                < ($1.element.interfaceIndex, $1.element.family == "inet6" ? 1 : 0, $1.offset)
        }.map(\.element)
    }

    /// An address as the dump identifies it: family, interface, prefix and local bytes.
    private struct AddressKey: Hashable {
        var family: UInt8
        var index: Int32
        var prefixLength: UInt8
        var local: [UInt8]
    }

    /// Each address's IFA_PROTO, from a dump of its own: libnl's address objects do not carry it.
    private func protocols() throws(KernelError) -> [AddressKey: UInt8] {
        guard let msg = nlmsg_alloc_simple(Int32(RTM_GETADDR), NLM_F_DUMP) else {
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var header = ifaddrmsg()
        header.ifa_family = UInt8(AF_UNSPEC)
        guard nlmsg_append(msg, &header, MemoryLayout<ifaddrmsg>.size, Int32(NLMSG_ALIGNTO)) == 0 else {
            nlmsg_free(msg)
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var found: [AddressKey: UInt8] = [:]
        try socket.request(msg, operation: "listing", object: "addresses") { m in
            guard let nlh = nlmsg_hdr(m), nlh.pointee.nlmsg_type == RTM_NEWADDR,
                nlmsg_datalen(nlh) >= Int32(MemoryLayout<ifaddrmsg>.size)
            else { return }
            let ifa = nlmsg_data(nlh)!.loadUnaligned(as: ifaddrmsg.self)
            var local: [UInt8]?
            var address: [UInt8]?
            var proto: UInt8?
            var attr = nlmsg_attrdata(nlh, Int32(MemoryLayout<ifaddrmsg>.size))
            var remaining = nlmsg_attrlen(nlh, Int32(MemoryLayout<ifaddrmsg>.size))
            while let a = attr, nla_ok(a, remaining) != 0 {
                let bytes = { Array(UnsafeRawBufferPointer(start: nla_data(a), count: Int(nla_len(a)))) }
                switch Int32(nla_type(a)) {
                case Int32(IFA_LOCAL): local = bytes()
                case Int32(IFA_ADDRESS): address = bytes()
                case Int32(IFA_PROTO) where nla_len(a) >= 1: proto = nla_data(a)!.load(as: UInt8.self)
                default: break
                }
                attr = nla_next(a, &remaining)
            }
            if let proto, let raw = local ?? address {
                found[AddressKey(family: ifa.ifa_family, index: Int32(ifa.ifa_index), prefixLength: ifa.ifa_prefixlen, local: raw)] = proto
            }
        }
        return found
    }

    /// Dumps the addresses (RTM_GETADDR) and calls `body` with each one and its device's name.
    private func forEachAddress(_ body: (OpaquePointer, String) -> Void) throws(KernelError) {
        var cache: OpaquePointer?
        let r = rtnl_addr_alloc_cache(socket.sock, &cache)
        guard r == 0, let cache else { throw .netlink(operation: "listing", object: "addresses", errno: NetlinkSocket.errno(fromNL: r)) }
        defer { nl_cache_free(cache) }
        var names = DeviceNames(links)
        var object = nl_cache_get_first(cache)
        while let addr = object {
            object = nl_cache_get_next(addr)
            let device = names[rtnl_addr_get_ifindex(addr)]
            body(addr, device)
        }
    }

    /// An nl_addr's bytes, as the dump's attribute carried them.
    private static func bytes(_ a: OpaquePointer) -> [UInt8] {
        guard let data = nl_addr_get_binary_addr(a) else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(nl_addr_get_len(a))))
    }

    /// Interface names by index, each looked up once over the table's own socket, so that they are
    /// this namespace's names even when the thread has entered another since (`Kernel.kernel(in:)`).
    private struct DeviceNames {
        let links: LinkTable
        private var names: [Int32: String] = [:]

        init(_ links: LinkTable) { self.links = links }

        subscript(_ index: Int32) -> String {
            mutating get {
                if let known = names[index] { return known }
                let name = links.name(ofIndex: index) ?? "if\(index)"
                names[index] = name
                return name
            }
        }
    }

    /// An nl_addr as inet_ntop prints it, without prefix length.
    private static func text(_ a: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard let bytes = nl_addr_get_binary_addr(a),
            inet_ntop(nl_addr_get_family(a), bytes, &buffer, socklen_t(buffer.count)) != nil
        else { return "?" }
        return String(cString: buffer)
    }

    /// Assigns an address. `ip addr add 10.0.0.2/32 dev eth0`.
    public func add(_ a: InterfaceAddress) throws(KernelError) { try pipeline([.add(a)]).check() }

    /// Removes an address. `ip addr del 10.0.0.2/32 dev eth0`.
    public func delete(_ a: InterfaceAddress) throws(KernelError) { try pipeline([.delete(a)]).check() }

    /// One change of the address table: `ip addr add` or `ip addr del`.
    enum Write {
        case add(InterfaceAddress), delete(InterfaceAddress)
    }

    /// Sends the changes without waiting for the kernel's answer to each (as `ip -batch` does):
    /// see `NetlinkSocket.pipeline`. Throws only when a message cannot be built (nothing sent).
    func pipeline(_ writes: [Write]) throws(KernelError) -> NetlinkSocket.Outcome {
        var requests: [NetlinkSocket.Request] = []
        requests.reserveCapacity(writes.count)
        do throws(KernelError) {
            for w in writes {
                switch w {
                case .add(let a):
                    requests.append(
                        try request(a, operation: "adding address") { addr, msg in
                            rtnl_addr_build_add_request(addr, NLM_F_CREATE | NLM_F_EXCL, msg)
                        })
                case .delete(let a):
                    requests.append(
                        try request(a, operation: "deleting address") { addr, msg in
                            rtnl_addr_build_delete_request(addr, 0, msg)
                        })
                }
            }
        } catch {
            for r in requests { nlmsg_free(r.message) }
            throw error
        }
        return socket.pipeline(requests)
    }

    /// A device's index, looked up once per run: `apply` adds thousands of VIPs to one device.
    private func deviceIndex(_ name: String) throws(KernelError) -> Int32 {
        if let i = indexes[name] { return i }
        let i = try links.device(name).index
        indexes[name] = i
        return i
    }

    private func request(
        _ a: InterfaceAddress, operation: String,
        build: (OpaquePointer, UnsafeMutablePointer<OpaquePointer?>) -> Int32
    ) throws(KernelError) -> NetlinkSocket.Request {
        let index = try deviceIndex(a.device)
        guard let addr = rtnl_addr_alloc() else { throw .netlink(operation: operation, object: a.description, errno: ENOMEM) }
        defer { rtnl_addr_put(addr) }
        var raw = a.address.networkOrder
        guard let local = nl_addr_build(AF_INET, &raw, 4) else {
            throw .netlink(operation: operation, object: a.description, errno: ENOMEM)
        }
        defer { nl_addr_put(local) }
        nl_addr_set_prefixlen(local, Int32(a.prefixLength))
        rtnl_addr_set_ifindex(addr, index)
        rtnl_addr_set_family(addr, AF_INET)
        rtnl_addr_set_prefixlen(addr, Int32(a.prefixLength))
        _ = rtnl_addr_set_local(addr, local)
        var msg: OpaquePointer?
        let r = build(addr, &msg)
        guard r == 0, let msg else { throw .netlink(operation: operation, object: a.description, errno: NetlinkSocket.errno(fromNL: r)) }
        return .init(message: msg, operation: operation, object: a.description)
    }
}
