import CNetlink
import Glibc

/// The neighbour tables of the current namespace over rtnetlink (RTM_GETNEIGH): ARP and NDP entries,
/// and the bridge forwarding database (the AF_BRIDGE family), and the permanent entries the overlay
/// driver programs on a VXLAN device for each remote task. Mirrors `ip neigh show|add|replace|del`
/// and `bridge fdb show|add|replace|del`.
public final class NeighbourTable {
    private let socket: NetlinkSocket
    private let links: LinkTable
    private lazy var names = IPRouteNames.read()

    public init() throws(KernelError) {
        socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
        socket.checkDumpsStrictly()
        links = try LinkTable()
    }

    private enum Attribute {
        static let dst = 1, lladdr = 2, vlan = 5, port = 6, vni = 7, ifindex = 8, master = 9, linkNetnsid = 10, srcVNI = 11
        static let `protocol` = 12, nexthopID = 13, flagsExt = 15
    }

    /// The entries `ip neigh show` prints: every family's, except those only NOARP or without state.
    public func neighbours() throws(KernelError) -> [NeighbourEntry] {
        let devices = LinkTable.DeviceIndex(try links.rawLinks())
        var entries: [NeighbourEntry] = []
        for m in try dump(family: AF_UNSPEC) {
            let h = m.payload
            let family = h.u8(at: 0)
            let index = h.u32(at: 4)
            let state = h.u16(at: 8)
            let flags = h.u8(at: 10)
            // ip's show filter: states other than NOARP, or a proxy or externally learned entry.
            guard state & 0xbf != 0 || flags & 0x18 != 0 else { continue }
            let tb = m.attributes(after: 12)
            let extFlags = tb.u32(Attribute.flagsExt) ?? 0
            var flagNames: [String] = []
            if flags & 0x80 != 0 { flagNames.append("router") }
            if flags & 0x08 != 0 { flagNames.append("proxy") }
            if extFlags & 0x1 != 0 { flagNames.append("managed") }
            if flags & 0x10 != 0 { flagNames.append("extern_learn") }
            if flags & 0x20 != 0 { flagNames.append("offload") }
            let stateTable: [(UInt16, String)] = [
                (0x1, "INCOMPLETE"), (0x2, "REACHABLE"), (0x4, "STALE"), (0x8, "DELAY"), (0x10, "PROBE"), (0x20, "FAILED"),
                (0x40, "NOARP"), (0x80, "PERMANENT"),
            ]
            let proto = tb.u8(Attribute.protocol) ?? 0
            entries.append(
                NeighbourEntry(
                    family: family == UInt8(AF_INET) ? "inet" : family == UInt8(AF_INET6) ? "inet6" : String(family),
                    destination: tb[Attribute.dst].map(IPAddressText.ip) ?? "", device: index == 0 ? nil : devices.name(index),
                    lladdr: tb[Attribute.lladdr].map { LinkAddressText.hardware($0, type: devices.type(index)) }, flags: flagNames,
                    states: stateTable.filter { state & $0.0 != 0 }.map(\.1), protocol: proto == 0 ? nil : names.routeProtocol(proto)))
        }
        return entries
    }

    /// Every forwarding database entry of every bridge, bridge port and vxlan device, as `bridge fdb show`.
    public func forwardingEntries() throws(KernelError) -> [FDBEntry] {
        let devices = LinkTable.DeviceIndex(try links.rawLinks())
        var entries: [FDBEntry] = []
        for m in try dump(family: AF_BRIDGE) where m.payload.u8(at: 0) == UInt8(AF_BRIDGE) {
            let h = m.payload
            let index = h.u32(at: 4)
            let state = h.u16(at: 8)
            let flags = h.u8(at: 10)
            let tb = m.attributes(after: 12)
            let flagTable: [(UInt8, String)] = [
                (0x02, "self"), (0x80, "router"), (0x10, "extern_learn"), (0x20, "offload"), (0x04, "master"), (0x40, "sticky"),
            ]
            let stateText =
                state & 0x80 != 0
                ? "permanent"
                : state & 0x40 != 0
                    ? "static" : state & 0x04 != 0 ? "stale" : state & 0x02 != 0 ? "" : "state=" + LinkKindSettings.alternateHex(state)
            let viaIndex = tb.u32(Attribute.ifindex)
            let vlan = tb.u16(Attribute.vlan)
            entries.append(
                FDBEntry(
                    mac: tb[Attribute.lladdr].map { LinkAddressText.hardware($0, type: devices.type(index)) },
                    device: index == 0 ? nil : devices.name(index), destination: tb[Attribute.dst].map(IPAddressText.ip),
                    vlan: vlan == 0 ? nil : vlan, port: tb.be16(Attribute.port), vni: tb.u32(Attribute.vni),
                    sourceVNI: tb.u32(Attribute.srcVNI),
                    via: tb.has(Attribute.linkNetnsid) ? nil : viaIndex.map(devices.name), viaIndex: viaIndex,
                    nexthopID: tb.u32(Attribute.nexthopID), linkNetnsid: tb.u32(Attribute.linkNetnsid).map { Int32(bitPattern: $0) },
                    flags: flagTable.filter { flags & $0.0 != 0 }.map(\.1), master: tb.u32(Attribute.master).map(devices.name),
                    state: stateText))
        }
        return entries
    }

    /// A device's IPv4 neighbour entries that carry a link-layer address, as the overlay commands
    /// compare them with a peer's. `ip -4 neigh show dev DEV`.
    public func neighbours(device: String) throws(KernelError) -> [PeerNeighbour] {
        let index = UInt32(bitPattern: try links.device(device).index)
        return try dump(family: AF_INET).compactMap { m in
            let tb = m.attributes(after: 12)
            guard m.payload.u8(at: 0) == UInt8(AF_INET), m.payload.u32(at: 4) == index, let ip = tb.u32(Attribute.dst),
                let mac = tb[Attribute.lladdr], mac.count == 6
            else { return nil }
            return PeerNeighbour(
                address: IPv4Address(networkOrder: ip), mac: MACAddress(bytes: Array(mac)), device: device,
                permanent: m.payload.u16(at: 8) & UInt16(NUD_PERMANENT) != 0)
        }
    }

    /// A device's own forwarding entries (`self`) with an IPv4 destination. `bridge fdb show dev DEV self`.
    public func forwardingEntries(device: String) throws(KernelError) -> [PeerForwarding] {
        let index = UInt32(bitPattern: try links.device(device).index)
        return try dump(family: AF_BRIDGE).compactMap { m in
            let tb = m.attributes(after: 12)
            guard m.payload.u8(at: 0) == UInt8(AF_BRIDGE), m.payload.u32(at: 4) == index, m.payload.u8(at: 10) & UInt8(NTF_SELF) != 0,
                let mac = tb[Attribute.lladdr], mac.count == 6, let dst = tb.u32(Attribute.dst), tb[Attribute.dst]?.count == 4
            else { return nil }
            return PeerForwarding(
                mac: MACAddress(bytes: Array(mac)), device: device, destination: IPv4Address(networkOrder: dst),
                permanent: m.payload.u16(at: 8) & UInt16(NUD_PERMANENT) != 0)
        }
    }

    /// `ip neigh add|replace IP lladdr MAC dev DEV nud permanent`.
    public func add(_ n: PeerNeighbour, replace: Bool) throws(KernelError) {
        try pipeline([.addNeighbour(n, replace: replace)]).check()
    }

    /// `ip neigh del IP dev DEV`.
    public func delete(_ n: PeerNeighbour) throws(KernelError) { try pipeline([.deleteNeighbour(n)]).check() }

    /// `bridge fdb add|replace MAC dev DEV dst VTEP self permanent`.
    public func add(_ f: PeerForwarding, replace: Bool) throws(KernelError) {
        try pipeline([.addForwarding(f, replace: replace)]).check()
    }

    /// `bridge fdb del MAC dev DEV dst VTEP self`.
    public func delete(_ f: PeerForwarding) throws(KernelError) { try pipeline([.deleteForwarding(f)]).check() }

    /// One change of the neighbour tables: `ip neigh add|replace|del` or `bridge fdb add|replace|del`.
    enum Write {
        case addNeighbour(PeerNeighbour, replace: Bool), deleteNeighbour(PeerNeighbour)
        case addForwarding(PeerForwarding, replace: Bool), deleteForwarding(PeerForwarding)
    }

    /// Sends the changes without waiting for the kernel's answer to each (as `ip -batch` and
    /// `bridge -batch` do): see `NetlinkSocket.pipeline`. Throws only when a message cannot be built
    /// (nothing sent).
    func pipeline(_ writes: [Write]) throws(KernelError) -> NetlinkSocket.Outcome {
        var indexes: [String: Int32] = [:]  // a peer list names vxlan0 a thousand times: looked up once
        var requests: [NetlinkSocket.Request] = []
        requests.reserveCapacity(writes.count)
        do throws(KernelError) {
            for w in writes {
                let device: String
                switch w {
                case .addNeighbour(let n, _), .deleteNeighbour(let n): device = n.device
                case .addForwarding(let f, _), .deleteForwarding(let f): device = f.device
                }
                let index: Int32
                if let known = indexes[device] {
                    index = known
                } else {
                    index = try links.device(device).index
                    indexes[device] = index
                }
                requests.append(try request(w, index: index))
            }
        } catch {
            for r in requests { nlmsg_free(r.message) }
            throw error
        }
        return socket.pipeline(requests)
    }

    private func request(_ write: Write, index: Int32) throws(KernelError) -> NetlinkSocket.Request {
        switch write {
        case let .addNeighbour(n, replace):
            let m = try message(RTM_NEWNEIGH, family: AF_INET, index: index, flags: 0, replace: replace, object: "neighbour \(n.address)")
            try m.put(Int32(NDA_DST), address: n.address)
            try m.put(Int32(NDA_LLADDR), bytes: n.mac.bytes)
            return .init(message: m.message, operation: replace ? "replacing" : "adding", object: "neighbour \(n.address) on \(n.device)")
        case .deleteNeighbour(let n):
            let m = try message(RTM_DELNEIGH, family: AF_INET, index: index, flags: 0, replace: nil, object: "neighbour \(n.address)")
            try m.put(Int32(NDA_DST), address: n.address)
            return .init(message: m.message, operation: "deleting", object: "neighbour \(n.address) on \(n.device)")
        case let .addForwarding(f, replace):
            let m = try message(
                RTM_NEWNEIGH, family: AF_BRIDGE, index: index, flags: UInt8(NTF_SELF), replace: replace, object: "fdb entry \(f.mac)")
            try m.put(Int32(NDA_LLADDR), bytes: f.mac.bytes)
            try m.put(Int32(NDA_DST), address: f.destination)
            return .init(message: m.message, operation: replace ? "replacing" : "adding", object: "fdb entry \(f.mac) on \(f.device)")
        case .deleteForwarding(let f):
            let m = try message(
                RTM_DELNEIGH, family: AF_BRIDGE, index: index, flags: UInt8(NTF_SELF), replace: nil, object: "fdb entry \(f.mac)")
            try m.put(Int32(NDA_LLADDR), bytes: f.mac.bytes)
            try m.put(Int32(NDA_DST), address: f.destination)
            return .init(message: m.message, operation: "deleting", object: "fdb entry \(f.mac) on \(f.device)")
        }
    }

    /// A neighbour message for a device: permanent, created (or replaced) when `replace` is not nil.
    private func message(
        _ type: Int, family: Int32, index: Int32, flags: UInt8, replace: Bool?, object: String
    ) throws(KernelError) -> RouteRequest {
        var header = ndmsg()
        header.ndm_family = UInt8(family)
        header.ndm_ifindex = index
        header.ndm_state = UInt16(NUD_PERMANENT)
        header.ndm_flags = flags
        let create = replace.map { $0 ? NLM_F_CREATE | NLM_F_REPLACE : NLM_F_CREATE | NLM_F_EXCL } ?? 0
        return try RouteRequest(type: Int32(type), flags: create, header: header, object: object, size: 128)
    }

    private func dump(family: Int32) throws(KernelError) -> [RouteMessage] {
        var header = [UInt8](repeating: 0, count: 12)  // ndmsg
        header[0] = UInt8(family)
        return try socket.dump(
            Int32(RTM_GETNEIGH), header: header, operation: "listing", object: family == AF_BRIDGE ? "forwarding entries" : "neighbours"
        ).filter { $0.type == UInt16(RTM_NEWNEIGH) && $0.payload.count >= 12 }
    }
}
