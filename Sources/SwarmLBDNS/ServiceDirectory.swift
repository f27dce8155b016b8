import SwarmLBKit

/// The names the embedded resolver answers for one network, built once per services file so a
/// reload swaps one immutable value: `<service>` and each alias → the VIP (or every task IP,
/// shuffled, in dnsrr mode); `tasks.<service>` → every task IP; `<task name>` → its IP; each also
/// with `.<network>` appended; PTR for VIPs and task IPs. Names match case-insensitively.
public struct ServiceDirectory: Sendable {
    struct Entry: Sendable {
        var addresses: [IPv4Address]
        var shuffled: Bool
    }

    public enum Answer: Equatable {
        /// Answer from the directory (possibly with no records: NODATA).
        case records([DNSMessage.Record])
        /// Not a name of this network: ask the upstream servers.
        case forward
    }

    let network: String
    let ttl: UInt32
    private var names: [String: Entry] = [:]
    private var pointers: [String: String] = [:]

    public var nameCount: Int { names.count }

    public init(_ services: NetworkServices, ttl: UInt32 = 600) {
        network = DNSName.key(services.network)
        self.ttl = ttl
        for s in services.services {
            let tasks = s.tasks.map(\.ip)
            for n in [s.name] + s.aliases {
                names[DNSName.key(n)] = s.endpointMode == .dnsrr || s.vip == nil
                    ? Entry(addresses: tasks, shuffled: true) : Entry(addresses: [s.vip!], shuffled: false)
                names["tasks." + DNSName.key(n)] = Entry(addresses: tasks, shuffled: false)
            }
            if let vip = s.vip { pointers[Self.reverseName(vip)] = "\(s.name).\(services.network)" }
            for t in s.tasks {
                names[DNSName.key(t.name)] = Entry(addresses: [t.ip], shuffled: false)
                pointers[Self.reverseName(t.ip)] = "\(t.name).\(services.network)"
            }
        }
    }

    /// `3.0.0.10.in-addr.arpa` for 10.0.0.3.
    static func reverseName(_ a: IPv4Address) -> String {
        "\(a.value & 0xff).\(a.value >> 8 & 0xff).\(a.value >> 16 & 0xff).\(a.value >> 24).in-addr.arpa"
    }

    /// The entry for a name, with or without `.<network>`.
    func entry(_ key: String) -> Entry? {
        if let e = names[key] { return e }
        let suffix = "." + network
        guard key.hasSuffix(suffix) else { return nil }
        return names[String(key.dropLast(suffix.utf8.count))]
    }

    public func answer(_ query: DNSMessage.Query) -> Answer {
        guard query.qclass == 1 else { return .forward }
        let key = DNSName.key(query.nameText)
        if query.type == DNSMessage.RecordType.ptr.rawValue {
            guard let target = pointers[key] else { return .forward }
            return .records([.ptr(target, ttl: ttl)])
        }
        guard let e = entry(key) else { return .forward }
        guard query.type == DNSMessage.RecordType.a.rawValue || query.type == DNSMessage.RecordType.any.rawValue else {
            return .records([])  // known IPv4-only name: NOERROR, no answer (NXDOMAIN breaks musl clients)
        }
        let addresses = e.shuffled ? e.addresses.shuffled() : e.addresses
        return .records(addresses.map { a in
            .a((UInt8(a.value >> 24), UInt8(a.value >> 16 & 0xff), UInt8(a.value >> 8 & 0xff), UInt8(a.value & 0xff)), ttl: ttl)
        })
    }
}
