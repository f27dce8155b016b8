import Glibc

/// The process's limit on open descriptors (RLIMIT_NOFILE, `ulimit -n`), raised to the hard limit
/// at start as unbound and knot do, and how it is shared: TCP clients get at most what leaves
/// enough for every upstream exchange, so a flood of TCP connections cannot starve forwarding.
public struct DescriptorLimit: Sendable, Equatable {
    /// The soft limit now in force.
    public var open: Int

    /// Descriptors not for clients or exchanges: listeners, event loops, idle upstream sockets.
    public static let overhead = 512

    /// Raises the soft limit to the hard one (`ulimit -n $(ulimit -Hn)`); the limit then in force.
    public static func raiseToHard() -> DescriptorLimit {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return DescriptorLimit(open: 1024) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return DescriptorLimit(open: Int(clamping: limit.rlim_cur))
    }

    public init(open: Int) { self.open = open }

    /// At most `wanted` TCP connections, fewer when the limit leaves no room for them beside
    /// `inFlight` upstream exchanges (each a descriptor) and the overhead; at least 1.
    public func tcpConnections(wanted: Int, inFlight: Int) -> Int {
        max(1, min(wanted, open - inFlight - Self.overhead))
    }
}
