/// One iptables rule in the tables swarmlb works with, as a value: addresses, interfaces,
/// protocol, matches and target. `specification` is exactly what `iptables -S` prints after `-A CHAIN`.
public struct IPTablesRule: Hashable, Sendable {
    public var source: IPv4Subnet?
    public var destination: IPv4Subnet?
    public var inInterface: String?
    public var outInterface: String?
    /// IP protocol number; nil for any.
    public var proto: UInt16?
    /// Which of the fields above are negated (`! -s ...`), with the kernel's IPT_INV_* bits.
    public var negated: Negations = []
    /// The masks of `source` and `destination` when they are no prefix (`-s 10.0.12.0/255.0.255.0`,
    /// which iptables accepts and prints so); the subnet then holds the masked address as a /32.
    public var sourceMask: UInt32?
    public var destinationMask: UInt32?
    /// `-f`: only second and later fragments.
    public var fragment = false
    public var matches: [Match]
    public var target: Target
    /// `-g CHAIN` instead of `-j CHAIN`: a jump that does not return here.
    public var goto = false

    public init(
        source: IPv4Subnet? = nil, destination: IPv4Subnet? = nil, inInterface: String? = nil,
        outInterface: String? = nil, proto: UInt16? = nil, matches: [Match] = [], target: Target
    ) {
        self.source = source
        self.destination = destination
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.proto = proto
        self.matches = matches
        self.target = target
    }

    /// The negatable fields of the IP header part (IPT_INV_* bits).
    public struct Negations: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let inInterface = Negations(rawValue: 0x01)
        public static let outInterface = Negations(rawValue: 0x02)
        public static let source = Negations(rawValue: 0x08)
        public static let destination = Negations(rawValue: 0x10)
        public static let fragment = Negations(rawValue: 0x20)
        public static let proto = Negations(rawValue: 0x40)
    }

    /// A match extension (`-m NAME ...`).
    public enum Match: Hashable, Sendable {
        /// `-m tcp|udp [--sport A[:B]] [--dport A[:B]] [--tcp-flags MASK COMP]`.
        case ports(TransportPort.Proto, source: PortRange?, destination: PortRange?, tcpFlags: TCPFlags? = nil)
        /// `-m mark [!] --mark VALUE[/MASK]`.
        case mark(value: UInt32, mask: UInt32, negated: Bool)
        /// `-m conntrack [!] --ctstate STATES` (revision 3, state only).
        case conntrackState(ConntrackStates, negated: Bool)
        /// `-m state [!] --state STATES`.
        case state(ConntrackStates, negated: Bool)
        /// `-m comment --comment TEXT`.
        case comment(String)
        /// `-m ipvs`: properties of the packet's IPVS connection (`--ipvs`, `--vproto`, `--vaddr`, ...).
        case ipvs(IPVSMatch)
        /// `-m addrtype [--src-type T] [--dst-type T]`.
        case addrtype(source: AddressTypes, destination: AddressTypes)
        /// A match swarmlb does not decode, kept byte for byte, with its printed text when a listing read it.
        case opaque(OpaqueExtension)
        /// nf_tables expressions that map to no iptables match (a rule nft itself wrote, say),
        /// as `nft --debug=netlink` prints them; shown, compared and deleted, never written.
        case unmapped(String)
    }

    /// The target (`-j NAME ...`).
    public enum Target: Hashable, Sendable {
        /// `-j MARK --set-xmark VALUE/MASK` (revision 2).
        case mark(value: UInt32, mask: UInt32)
        /// `-j SNAT --to-source ...`.
        case snat(NATRange)
        /// `-j DNAT --to-destination ...`.
        case dnat(NATRange)
        /// `-j MASQUERADE [--to-ports A[-B]] [--random] [--random-fully]`.
        case masquerade(NATRange)
        /// `-j REDIRECT [--to-ports A[-B]] [--random]`: DNAT to the receiving interface's address.
        case redirect(NATRange)
        /// A verdict or a jump: ACCEPT, DROP, RETURN or a user chain.
        case jump(String)
        /// No target: the rule only counts.
        case none
        /// A target swarmlb does not decode, kept byte for byte, with its printed text when a listing read it.
        case opaque(OpaqueExtension)
    }

    /// A port or port range of a tcp/udp match.
    public struct PortRange: Hashable, Sendable {
        public var low: UInt16
        public var high: UInt16
        public var negated: Bool
        public init(_ low: UInt16, _ high: UInt16? = nil, negated: Bool = false) {
            self.low = low
            self.high = high ?? low
            self.negated = negated
        }
    }

    /// `--tcp-flags MASK COMPARE`: the flags examined and those that must be set.
    public struct TCPFlags: Hashable, Sendable {
        public var mask: UInt8
        public var compare: UInt8
        public var negated: Bool
        public init(mask: UInt8, compare: UInt8, negated: Bool = false) {
            self.mask = mask
            self.compare = compare
            self.negated = negated
        }
    }

    /// Connection tracking states (XT_CONNTRACK_STATE_* / XT_STATE_* bits).
    public struct ConntrackStates: OptionSet, Hashable, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let invalid = ConntrackStates(rawValue: 1 << 0)
        public static let established = ConntrackStates(rawValue: 1 << 1)
        public static let related = ConntrackStates(rawValue: 1 << 2)
        public static let new = ConntrackStates(rawValue: 1 << 3)
    }

    /// The NAT mapping of SNAT/DNAT: an address range, a port range, or both.
    public struct NATRange: Hashable, Sendable {
        public var addresses: ClosedRange<IPv4Address>?
        public var ports: ClosedRange<UInt16>?
        public var random = false
        public var randomFully = false
        public var persistent = false
        public init(addresses: ClosedRange<IPv4Address>? = nil, ports: ClosedRange<UInt16>? = nil) {
            self.addresses = addresses
            self.ports = ports
        }
        public init(address: IPv4Address?, port: UInt16? = nil) {
            self.init(addresses: address.map { $0...$0 }, ports: port.map { $0...$0 })
        }
    }

    /// The address types of `-m addrtype` (XT_ADDRTYPE_* bits).
    public struct AddressTypes: OptionSet, Hashable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let local = AddressTypes(rawValue: 1 << 2)
    }
}
