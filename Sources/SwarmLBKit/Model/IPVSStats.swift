/// Traffic counters and rates of an IPVS service or real server, as `ipvsadm -Ln --stats` and
/// `--rate` print them.
public struct IPVSStats: Hashable, Sendable, Encodable {
    public var connections: UInt64 = 0
    public var inPackets: UInt64 = 0
    public var outPackets: UInt64 = 0
    public var inBytes: UInt64 = 0
    public var outBytes: UInt64 = 0
    public var connectionsPerSecond: UInt64 = 0
    public var inPacketsPerSecond: UInt64 = 0
    public var outPacketsPerSecond: UInt64 = 0
    public var inBytesPerSecond: UInt64 = 0
    public var outBytesPerSecond: UInt64 = 0

    public init() {}
}

/// Everything `ipvsadm -Ln` reads in one namespace: the header facts and each service with its
/// counters and real servers (in ipvsadm's order).
public struct IPVSSnapshot: Sendable {
    public struct Entry: Sendable {
        public var service: IPVSService
        public var stats: IPVSStats
        public var reals: [RealServer]
        public init(service: IPVSService, stats: IPVSStats = IPVSStats(), reals: [RealServer]) {
            self.service = service
            self.stats = stats
            self.reals = reals
        }
    }

    public var version: UInt32
    public var tableSize: UInt32
    public var entries: [Entry]

    public init(version: UInt32, tableSize: UInt32, entries: [Entry]) {
        self.version = version
        self.tableSize = tableSize
        self.entries = entries
    }
}
