/// One network device with everything `ip -o link show` and `ip -d -o link show` print about it
/// (iproute2's print_linkinfo), read from one RTM_GETLINK dump.
public struct LinkDetail: Hashable, Sendable, Encodable {
    public var index: Int32
    public var name: String
    /// The device's other end or lower device (IFLA_LINK): its name, or `if<N>` when it lives in
    /// another namespace (`linkNetnsid` set); nil when the kernel names none.
    public var link: String?
    /// Flag names as ip prints them between < and > (NO-CARRIER first, M-DOWN last).
    public var flags: [String]
    public var mtu: UInt32?
    public var qdisc: String?
    public var master: String?
    public var operstate: String?
    public var linkMode: String?
    public var group: String?
    public var txQueueLength: UInt32?
    /// `ether`, `loopback`, `none`: the ARPHRD type as ip names it.
    public var linkType: String
    public var address: String?
    public var broadcast: String?
    /// Whether `broadcast` is the point-to-point peer (ip prints `peer`, not `brd`).
    public var pointToPoint: Bool
    public var permanentAddress: String?
    /// The namespace the other end lives in (IFLA_LINK_NETNSID), as its id here and, when a name
    /// under /run/netns is that namespace, the name.
    public var linkNetnsid: Int32?
    public var linkNetns: String?
    public var promiscuity: UInt32?
    public var allmulti: UInt32?
    public var minMTU: UInt32?
    public var maxMTU: UInt32?
    /// `bridge`, `vxlan`, `veth`, `dummy`; nil for a device without one (lo).
    public var kind: String?
    public var kindSettings: LinkSettings
    /// `bridge` for a bridge's port.
    public var slaveKind: String?
    public var slaveSettings: LinkSettings
    public var addrGenMode: String?
    public var txQueues: UInt32?
    public var rxQueues: UInt32?
    public var gsoMaxSize: UInt32?
    public var gsoMaxSegments: UInt32?
    public var tsoMaxSize: UInt32?
    public var tsoMaxSegments: UInt32?
    public var groMaxSize: UInt32?
    public var alias: String?

    enum CodingKeys: String, CodingKey {
        case index, name, link, flags, mtu, qdisc, master, operstate, linkMode, group, txQueueLength, linkType, address
        case broadcast, pointToPoint, permanentAddress, linkNetnsid, linkNetns, promiscuity, allmulti
        case minMTU = "minMtu", maxMTU = "maxMtu"
        case kind, kindSettings, slaveKind, slaveSettings, addrGenMode, txQueues, rxQueues
        case gsoMaxSize, gsoMaxSegments, tsoMaxSize, tsoMaxSegments, groMaxSize, alias
    }
}
