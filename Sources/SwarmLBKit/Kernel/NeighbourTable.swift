import CNetlink
import Glibc

/// The IPv4 neighbour entries and the bridge-family forwarding entries of the current namespace,
/// over rtnetlink: what the overlay driver programs on a VXLAN device for each remote task.
/// Mirrors `ip neigh add|replace|del|show` and `bridge fdb add|replace|del|show`.
public final class NeighbourTable {
    private let socket: NetlinkSocket
    private let links: LinkTable

    public init() throws(KernelError) {
        socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
        links = try LinkTable()
    }

    /// The IPv4 neighbour entries of a device that carry a link-layer address. `ip neigh show dev DEV`.
    public func neighbours(device: String) throws(KernelError) -> [Neighbour] {
        let index = try links.device(device).index
        return try dump(family: AF_INET, index: index, object: "neighbours of \(device)").compactMap { e in
            guard let ip = e.destination, let mac = e.mac else { return nil }
            return Neighbour(address: ip, mac: mac, device: device, permanent: e.state & UInt16(NUD_PERMANENT) != 0)
        }
    }

    /// A device's own forwarding entries (`self`) with an IPv4 destination. `bridge fdb show dev DEV`.
    public func forwardingEntries(device: String) throws(KernelError) -> [FDBEntry] {
        let index = try links.device(device).index
        return try dump(family: AF_BRIDGE, index: index, object: "forwarding entries of \(device)").compactMap { e in
            guard e.flags & UInt8(NTF_SELF) != 0, let mac = e.mac, let dst = e.destination else { return nil }
            return FDBEntry(mac: mac, device: device, destination: dst, permanent: e.state & UInt16(NUD_PERMANENT) != 0)
        }
    }

    /// `ip neigh add|replace IP lladdr MAC dev DEV nud permanent`.
    public func add(_ n: Neighbour, replace: Bool) throws(KernelError) {
        let m = try message(RTM_NEWNEIGH, family: AF_INET, device: n.device, flags: 0, replace: replace, object: "neighbour \(n.address)")
        try m.put(Int32(NDA_DST), address: n.address)
        try m.put(Int32(NDA_LLADDR), bytes: n.mac.bytes)
        try socket.request(m.message, operation: replace ? "replacing" : "adding", object: "neighbour \(n.address) on \(n.device)")
    }

    /// `ip neigh del IP dev DEV`.
    public func delete(_ n: Neighbour) throws(KernelError) {
        let m = try message(RTM_DELNEIGH, family: AF_INET, device: n.device, flags: 0, replace: nil, object: "neighbour \(n.address)")
        try m.put(Int32(NDA_DST), address: n.address)
        try socket.request(m.message, operation: "deleting", object: "neighbour \(n.address) on \(n.device)")
    }

    /// `bridge fdb add|replace MAC dev DEV dst VTEP self permanent`.
    public func add(_ f: FDBEntry, replace: Bool) throws(KernelError) {
        let m = try message(
            RTM_NEWNEIGH, family: AF_BRIDGE, device: f.device, flags: UInt8(NTF_SELF), replace: replace, object: "fdb entry \(f.mac)")
        try m.put(Int32(NDA_LLADDR), bytes: f.mac.bytes)
        try m.put(Int32(NDA_DST), address: f.destination)
        try socket.request(m.message, operation: replace ? "replacing" : "adding", object: "fdb entry \(f.mac) on \(f.device)")
    }

    /// `bridge fdb del MAC dev DEV dst VTEP self`.
    public func delete(_ f: FDBEntry) throws(KernelError) {
        let m = try message(
            RTM_DELNEIGH, family: AF_BRIDGE, device: f.device, flags: UInt8(NTF_SELF), replace: nil, object: "fdb entry \(f.mac)")
        try m.put(Int32(NDA_LLADDR), bytes: f.mac.bytes)
        try m.put(Int32(NDA_DST), address: f.destination)
        try socket.request(m.message, operation: "deleting", object: "fdb entry \(f.mac) on \(f.device)")
    }

    /// A neighbour message for a device: permanent, created (or replaced) when `replace` is not nil.
    private func message(
        _ type: Int, family: Int32, device: String, flags: UInt8, replace: Bool?, object: String
    ) throws(KernelError) -> RouteMessage {
        var header = ndmsg()
        header.ndm_family = UInt8(family)
        header.ndm_ifindex = try links.device(device).index
        header.ndm_state = UInt16(NUD_PERMANENT)
        header.ndm_flags = flags
        let create = replace.map { $0 ? NLM_F_CREATE | NLM_F_REPLACE : NLM_F_CREATE | NLM_F_EXCL } ?? 0
        return try RouteMessage(type: Int32(type), flags: create, header: header, object: object)
    }

    private struct Entry {
        var state: UInt16
        var flags: UInt8
        var destination: IPv4Address?
        var mac: MACAddress?
    }

    /// Every entry of one family on one device (RTM_GETNEIGH dump).
    private func dump(family: Int32, index: Int32, object: String) throws(KernelError) -> [Entry] {
        var header = ndmsg()
        header.ndm_family = UInt8(family)
        let m = try RouteMessage(type: Int32(RTM_GETNEIGH), flags: NLM_F_DUMP, header: header, object: object)
        var entries: [Entry] = []
        try socket.request(m.message, operation: "listing", object: object) { msg in
            guard let nlh = nlmsg_hdr(msg), nlh.pointee.nlmsg_type == RTM_NEWNEIGH,
                nlmsg_datalen(nlh) >= Int32(MemoryLayout<ndmsg>.size)
            else { return }
            let nd = nlmsg_data(nlh)!.loadUnaligned(as: ndmsg.self)
            guard nd.ndm_ifindex == index, Int32(nd.ndm_family) == family else { return }
            var e = Entry(state: nd.ndm_state, flags: nd.ndm_flags)
            RouteMessage.attributes(nlh, headerSize: MemoryLayout<ndmsg>.size) { type, a in
                if type == Int32(NDA_DST), nla_len(a) == 4 {
                    e.destination = IPv4Address(networkOrder: nla_data(a)!.loadUnaligned(as: UInt32.self))
                } else if type == Int32(NDA_LLADDR), nla_len(a) == 6 {
                    e.mac = MACAddress(bytes: Array(UnsafeRawBufferPointer(start: nla_data(a), count: 6)))
                }
            }
            entries.append(e)
        }
        return entries
    }
}
