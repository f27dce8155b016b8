/// The fwmark services of /proc/net/ip_vs and their real servers, in one read where netlink needs
/// one dump per service: what `apply` checks the services file against. The listing has no
/// thresholds, scheduler flags or counters beyond connections, and does not tell an IPv4 fwmark
/// service from an IPv6 one with the same mark; so it answers only "is there no service of this
/// mark" and "are this mark's reals exactly these Masq servers on port 0 with these weights (under
/// this scheduler)", and a mark it cannot vouch for is never settled.
public struct IPVSRealListing: Sendable {
    /// What the listing says of each mark it lists.
    private var services: [FirewallMark: Listed] = [:]
    /// The reals of every plain service, each service's in one run, as the listing gives them.
    private var reals: [(address: IPv4Address, weight: Int32)] = []

    private enum Listed {
        /// Listed once, every real IPv4, port 0, Masq.
        case plain(Service)
        /// Listed twice (IPv4 and IPv6 services), or with any other kind of real: never vouched for.
        case unsettled
    }

    private struct Service {
        /// nil: a name ipvsadm does not know.
        var scheduler: IPVSScheduler?
        /// Where its reals are in `reals`.
        var reals: Range<Int>
    }

    /// Parses the bytes of /proc/net/ip_vs: `FWM  00000101 rr ` service lines, each followed by
    /// `  -> 0A000003:0000      Masq    1      0          0` real lines. Byte by byte, with no
    /// allocation per line: it lists every real of every service, tens of thousands of lines.
    public init(procBytes: [UInt8]) {
        procBytes.withUnsafeBufferPointer { parse($0) }
    }

    private mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) {
        // The service whose reals are being read; nil after any other line.
        var current: (mark: FirewallMark, service: Service)?
        func close() {
            if let (mark, service) = current { services[mark] = .plain(service) }
            current = nil
        }
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0a { end += 1 }
            let f = Fields(bytes, start, end)
            start = end + 1
            guard f.count > 0 else { continue }
            if bytes[f[0].lowerBound] == 0x2d, f[0].count == 2 {  // "->": a real of the service above
                guard var c = current else { continue }
                guard f.count > 3, let address = Self.hex(bytes, f[1], upTo: 0x3a), bytes[f[1].upperBound - 5] == 0x3a,
                    bytes[(f[1].upperBound - 4)..<f[1].upperBound].allSatisfy({ $0 == 0x30 }),
                    Self.isMasq(bytes, f[2]), let weight = Self.decimal(bytes, f[3])
                else {
                    services[c.mark] = .unsettled
                    current = nil
                    continue
                }
                reals.append((IPv4Address(address), weight))
                c.service.reals = c.service.reals.lowerBound..<reals.count
                current = c
            } else if bytes[f[0]].elementsEqual("FWM".utf8), f.count > 1, let value = Self.hex(bytes, f[1], upTo: nil) {
                close()
                let mark = FirewallMark(value)
                if services[mark] != nil {
                    services[mark] = .unsettled
                } else {
                    let scheduler = f.count > 2 ? IPVSScheduler(rawValue: String(decoding: bytes[f[2]], as: UTF8.self)) : nil
                    current = (mark, Service(scheduler: scheduler, reals: reals.count..<reals.count))
                }
            } else {
                close()  // a TCP/UDP/SCTP service, or the header
            }
        }
        close()
    }

    private static func isMasq(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Bool {
        field.count == 4 && bytes[field.lowerBound] == 0x4d && bytes[field.lowerBound + 1] == 0x61
            && bytes[field.lowerBound + 2] == 0x73 && bytes[field.lowerBound + 3] == 0x71
    }

    /// The first four space-separated fields of a line, kept in place (no array per line).
    private struct Fields {
        private var ranges = (0..<0, 0..<0, 0..<0, 0..<0)
        private(set) var count = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
            var i = start
            while i < end, count < 4 {
                while i < end, bytes[i] == 0x20 { i += 1 }
                let s = i
                while i < end, bytes[i] != 0x20 { i += 1 }
                guard i > s else { continue }
                switch count {
                case 0: ranges.0 = s..<i
                case 1: ranges.1 = s..<i
                case 2: ranges.2 = s..<i
                default: ranges.3 = s..<i
                }
                count += 1
            }
        }

        subscript(_ i: Int) -> Range<Int> {
            switch i {
            case 0: ranges.0
            case 1: ranges.1
            case 2: ranges.2
            default: ranges.3
            }
        }
    }

    /// Eight hex digits (an IPv4 address or a mark), ending the field or followed by `stop`.
    private static func hex(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, upTo stop: UInt8?) -> UInt32? {
        guard field.count >= 8, stop == nil ? field.count == 8 : (field.count > 8 && bytes[field.lowerBound + 8] == stop) else {
            return nil
        }
        var v: UInt32 = 0
        for b in bytes[field.lowerBound..<(field.lowerBound + 8)] {
            switch b {
            case 0x30...0x39: v = v << 4 | UInt32(b - 0x30)
            case 0x41...0x46: v = v << 4 | UInt32(b - 0x41 + 10)
            case 0x61...0x66: v = v << 4 | UInt32(b - 0x61 + 10)
            default: return nil
            }
        }
        return v
    }

    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Int32? {
        guard !field.isEmpty, field.count <= 9 else { return nil }
        var v: Int32 = 0
        for b in bytes[field] {
            guard b >= 0x30, b <= 0x39 else { return nil }
            v = v * 10 + Int32(b - 0x30)
        }
        return v
    }

    /// True when the service of this mark is listed with exactly these IPv4 Masq reals on port 0
    /// and these weights (so nothing about its reals needs changing).
    public func lists(_ mark: FirewallMark, exactly wanted: [IPv4Address: Int32]) -> Bool {
        // A service lists an address once (its reals are all on port 0), so equal counts and every
        // listed real wanted with its weight make the two the same.
        guard case .plain(let service)? = services[mark], service.reals.count == wanted.count else { return false }
        return reals[service.reals].allSatisfy { wanted[$0.address] == $0.weight }
    }

    /// True when the service of this mark is listed once, with this scheduler and exactly these reals,
    /// at least one (IPv4 Masq reals make it the IPv4 service): nothing about it needs changing.
    public func lists(_ mark: FirewallMark, scheduler: IPVSScheduler, exactly wanted: [IPv4Address: Int32]) -> Bool {
        guard !wanted.isEmpty, case .plain(let service)? = services[mark], service.scheduler == scheduler else { return false }
        return lists(mark, exactly: wanted)
    }

    /// True when no fwmark service of this mark is listed, IPv4 or IPv6.
    public func listsNoService(_ mark: FirewallMark) -> Bool {
        services[mark] == nil
    }
}
