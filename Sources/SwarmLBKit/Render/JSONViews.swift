/// The stable JSON shapes `--json` prints (documented in docs/json.md), built from model values.
public enum JSONViews {
    public struct Real: Encodable, Sendable {
        public let address: String
        public let port: UInt16
        public let weight: Int32
        public let forward: String
        public let upperThreshold: UInt32
        public let lowerThreshold: UInt32
        public let activeConnections: UInt32
        public let inactiveConnections: UInt32
        public let persistentConnections: UInt32
        public let stats: IPVSStats

        public init(_ r: RealServer) {
            address = r.address.description
            port = r.port
            weight = r.weight
            forward = r.forwarding.rawValue
            upperThreshold = r.upperThreshold
            lowerThreshold = r.lowerThreshold
            activeConnections = r.activeConnections
            inactiveConnections = r.inactiveConnections
            persistentConnections = r.persistentConnections
            stats = r.stats
        }
    }

    /// An IPVS virtual service: `mark`/`mark_hex` for a firewall-mark service, `protocol`/`address`/`port`
    /// for an address service; `family` always.
    public struct Service: Encodable, Sendable {
        public let mark: UInt32?
        public let markHex: String?
        public let family: String
        public let `protocol`: String?
        public let address: String?
        public let port: UInt16?
        public let scheduler: String
        /// ipvsadm's names of the scheduler flags and `ops`, e.g. ["sh-fallback", "sh-port"].
        public let flags: [String]?
        public let persistence: UInt32?
        public let persistenceEngine: String?
        public let stats: IPVSStats
        public let reals: [Real]

        public init(_ e: IPVSSnapshot.Entry) {
            let s = e.service
            family = s.key.isIPv6 ? "inet6" : "inet"
            switch s.key {
            case .fwmark(let m), .fwmarkIPv6(let m):
                mark = m.value
                markHex = m.hex
                self.protocol = nil
                address = nil
                port = nil
            case let .address(p, a, port):
                mark = nil
                markHex = nil
                self.protocol = p.rawValue
                address = a.description
                self.port = port
            }
            scheduler = s.scheduler.rawValue
            var names = s.flags.schedulerFlagNames(s.scheduler.rawValue).split(separator: ",").map(String.init)
            if s.flags.contains(.onePacket) { names.append("ops") }
            flags = names.isEmpty ? nil : names
            persistence = s.persistence
            persistenceEngine = s.persistenceEngine
            stats = e.stats
            reals = e.reals.map(Real.init)
        }
    }

    /// A mark rule: by VIP (`vip`, and `device` when a device holds VIP/32) or by published port
    /// (`protocol` and `port`).
    public struct Mark: Encodable, Sendable {
        public let mark: UInt32
        public let markHex: String
        public let chain: String
        public let vip: String?
        public let `protocol`: String?
        public let port: UInt16?
        /// For VIP marks: the device holding VIP/32, nil when no device has it.
        public let device: String?
        public let rule: String

        public init(_ m: MarkRule, device: String?) {
            mark = m.mark.value
            markHex = m.mark.hex
            chain = m.chain
            switch m.selector {
            case .vip(let a): vip = a.description; self.protocol = nil; port = nil
            case .port(let p): vip = nil; self.protocol = p.proto.rawValue; port = p.port
            }
            self.device = device
            rule = "-A \(m.chain) \(m.rule.specification)"
        }

        /// The VIP, or the port as `tcp/8080`: how text listings show what is marked.
        public var selectorText: String { vip ?? "\(self.protocol ?? "")/\(port ?? 0)" }
    }

    public struct SNAT: Encodable, Sendable {
        public let subnet: String
        public let toSource: String
        public let rule: String

        public init(_ s: SNATRule) {
            subnet = s.subnet.description
            toSource = s.source.description
            rule = "-A \(SNATRule.chain) \(s.rule.specification)"
        }
    }

    /// One iptables table: chains in order with policy, policy counters and rules as `-A` lines.
    public struct Table: Encodable, Sendable {
        public struct Chain: Encodable, Sendable {
            public let name: String
            public let policy: String?
            public let packets: UInt64
            public let bytes: UInt64
            public let rules: [String]
        }
        public let table: String
        public let chains: [Chain]

        public init(_ d: IPTablesDump) {
            table = d.table.rawValue
            chains = d.chains.map { c in
                Chain(
                    name: c.name, policy: c.policy, packets: c.packets, bytes: c.bytes,
                    rules: c.rules.map { IPTablesListing.appendLine(c.name, $0) })
            }
        }
    }

    /// What an add or delete did (or would do, with dry_run true), each change as its classic command.
    public struct ChangeReport: Encodable, Sendable {
        public let dryRun: Bool
        public let changes: [String]
        public let unchanged: [String]
        public let absent: [String]
        /// Removals not made because something else still uses the object, each with why.
        public let kept: [String]
    }
}
