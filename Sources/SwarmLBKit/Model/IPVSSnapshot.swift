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
