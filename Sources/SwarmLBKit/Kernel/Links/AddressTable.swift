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
        var found: [(address: UInt32, prefixLength: UInt8, index: Int32)] = []
        var local: UInt32?
        var address: UInt32?
        try dump(family: AF_INET) { type, a in
            guard nla_len(a) == 4 else { return }
            switch type {
            case Int32(IFA_LOCAL): local = nla_data(a)!.loadUnaligned(as: UInt32.self)
            case Int32(IFA_ADDRESS): address = nla_data(a)!.loadUnaligned(as: UInt32.self)
            default: break
            }
        } message: { ifa in
            if ifa.ifa_family == UInt8(AF_INET), let raw = local ?? address { found.append((raw, ifa.ifa_prefixlen, Int32(ifa.ifa_index))) }
            (local, address) = (nil, nil)
        }
        var names = DeviceNames(links)
        return found.map {
            InterfaceAddress(address: IPv4Address(networkOrder: $0.address), prefixLength: Int($0.prefixLength), device: names[$0.index])
        }
    }

    /// Every address of every family, grouped by interface in index order, each interface's IPv4
    /// addresses before its IPv6 ones, in kernel order: what `ip -o addr show` reads. From the same
    /// dump as `addresses()`, read as libnl reads it: the local address is IFA_LOCAL, else
    /// IFA_ADDRESS; IFA_ADDRESS beside a different IFA_LOCAL is the peer; IFA_FLAGS, when sent,
    /// extends the header's flags; IFA_PROTO (kernel 5.18+) says who made the address.
    public func details() throws(KernelError) -> [AddressDetail] {
        var result: [AddressDetail] = []
        var names = DeviceNames(links)
        var local: [UInt8]?
        var address: [UInt8]?
        var broadcast: [UInt8]?
        var label: String?
        var lifetimes: (preferred: UInt32, valid: UInt32)?
        var flags: UInt32?
        var proto: UInt8?
        try dump(family: AF_UNSPEC) { type, a in
            let length = Int(nla_len(a))
            let bytes = { Array(UnsafeRawBufferPointer(start: nla_data(a), count: length)) }
            switch type {
            case Int32(IFA_LOCAL): local = bytes()
            case Int32(IFA_ADDRESS): address = bytes()
            case Int32(IFA_BROADCAST): broadcast = bytes()
            case Int32(IFA_LABEL): label = String(decoding: bytes().prefix { $0 != 0 }, as: UTF8.self)
            case Int32(IFA_CACHEINFO) where length >= MemoryLayout<ifa_cacheinfo>.size:
                let info = nla_data(a)!.loadUnaligned(as: ifa_cacheinfo.self)
                lifetimes = (info.ifa_prefered, info.ifa_valid)
            case Int32(IFA_FLAGS) where length >= 4: flags = nla_data(a)!.loadUnaligned(as: UInt32.self)
            case Int32(IFA_PROTO) where length >= 1: proto = nla_data(a)!.load(as: UInt8.self)
            default: break
            }
        } message: { ifa in
            defer { (local, address, broadcast, label, lifetimes, flags, proto) = (nil, nil, nil, nil, nil, nil, nil) }
            let family = Int32(ifa.ifa_family)
            guard family == AF_INET || family == AF_INET6, let own = local ?? address else { return }
            let peer = local != nil && address != nil && address != local ? address : nil
            result.append(
                AddressDetail(
                    interfaceIndex: Int32(ifa.ifa_index), interface: names[Int32(ifa.ifa_index)],
                    family: family == AF_INET ? "inet" : "inet6", local: Self.text(own, family), peer: peer.map { Self.text($0, family) },
                    prefixLength: Int(ifa.ifa_prefixlen), broadcast: broadcast.map { Self.text($0, family) }, scope: ifa.ifa_scope,
                    flags: flags ?? UInt32(ifa.ifa_flags), label: label, validLifetime: lifetimes?.valid ?? 0,
                    preferredLifetime: lifetimes?.preferred ?? 0, protocol: proto))
        }
        // A stable sort keeps the kernel's order within each interface and family.
        return result.enumerated().sorted {
            ($0.element.interfaceIndex, $0.element.family == "inet6" ? 1 : 0, $0.offset)
                < ($1.element.interfaceIndex, $1.element.family == "inet6" ? 1 : 0, $1.offset)
        }.map(\.element)
    }

    /// One RTM_GETADDR dump of `family`, read straight from its messages, not through libnl's
    /// address objects: `attribute` is called with each attribute of a message (its type and
    /// itself), then `message` with the message's header.
    private func dump(
        family: Int32, attribute: @escaping (Int32, UnsafeMutablePointer<nlattr>) -> Void, message: @escaping (ifaddrmsg) -> Void
    ) throws(KernelError) {
        guard let msg = nlmsg_alloc_simple(Int32(RTM_GETADDR), NLM_F_DUMP) else {
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var header = ifaddrmsg()
        header.ifa_family = UInt8(family)
        guard nlmsg_append(msg, &header, MemoryLayout<ifaddrmsg>.size, Int32(NLMSG_ALIGNTO)) == 0 else {
            nlmsg_free(msg)
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        try socket.request(msg, operation: "listing", object: "addresses") { m in
            guard let nlh = nlmsg_hdr(m), nlh.pointee.nlmsg_type == RTM_NEWADDR,
                nlmsg_datalen(nlh) >= Int32(MemoryLayout<ifaddrmsg>.size)
            else { return }
            var attr = nlmsg_attrdata(nlh, Int32(MemoryLayout<ifaddrmsg>.size))
            var remaining = nlmsg_attrlen(nlh, Int32(MemoryLayout<ifaddrmsg>.size))
            while let a = attr, nla_ok(a, remaining) != 0 {
                attribute(Int32(nla_type(a)), a)
                attr = nla_next(a, &remaining)
            }
            message(nlmsg_data(nlh)!.loadUnaligned(as: ifaddrmsg.self))
        }
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

    /// An address's bytes as inet_ntop prints them, without prefix length.
    private static func text(_ bytes: [UInt8], _ family: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard bytes.count == (family == AF_INET ? 4 : 16), inet_ntop(family, bytes, &buffer, socklen_t(buffer.count)) != nil else {
            return "?"
        }
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
