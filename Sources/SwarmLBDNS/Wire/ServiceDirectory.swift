import SwarmLBKit

/// The names the embedded resolver answers for one network (as Docker's resolver on 127.0.0.11
/// does), built once per services file so that a reload swaps one immutable value: `<service>` and
/// each alias → the VIP (or every task IP, shuffled per answer, in dnsrr mode); `tasks.<service>` →
/// every task IP; `<task name>` and `<container name>` → its IP; each also with `.<network>`
/// appended; PTR for VIPs, task and container IPs. Several networks can be served together. Names match case-insensitively. Every answer's records are kept in wire form, so a
/// query is answered by one table lookup and a copy.
public final class ServiceDirectory: Sendable {
    /// The records answering one name: `count` records of `length` bytes each from `start` in the
    /// record store (count 0: the name exists but has no records of the type asked, NODATA).
    struct RecordSet: Sendable, Equatable {
        var start: Int32
        var count: Int32
        var length: Int32
        var shuffled: Bool
        static let none = RecordSet(start: 0, count: 0, length: 0, shuffled: false)
    }

    /// What became of one query.
    public enum Outcome: Equatable, Sendable {
        /// A response was written (answers, NODATA, FORMERR or NOTIMP).
        case answered
        /// Not a query worth an answer (a response, or shorter than a header).
        case dropped
        /// Not a name of this network: ask the upstream servers.
        case forward(DNSMessage.Question)
    }

    private let names: NameTable<RecordSet>
    private let pointers: NameTable<RecordSet>
    private let records: [UInt8]
    /// Distinct names served (not counting their `.<network>` forms), for the logs.
    public let nameCount: Int

    public convenience init(_ services: NetworkServices, ttl: UInt32 = 600) {
        self.init([services], ttl: ttl)
    }

    /// The names of several networks served together, as a container attached to all of them
    /// sees them: a name without a network suffix answers from the first network that has it,
    /// `<name>.<network>` from that network only.
    public init(_ networks: [NetworkServices], ttl: UInt32 = 600) {
        var store: [UInt8] = []
        func recordSet(_ type: DNSMessage.RecordType, _ datas: [[UInt8]], shuffled: Bool = false) -> RecordSet {
            let start = store.count
            for data in datas { store += DNSMessage.record(type: type, ttl: ttl, data: data) }
            return RecordSet(
                start: Int32(start), count: Int32(datas.count),
                length: datas.isEmpty ? 0 : Int32((store.count - start) / datas.count), shuffled: shuffled)
        }
        func key(_ name: String) -> [UInt8] { DNSMessage.encodeName(DNSName.key(name), terminated: false) }
        func addresses(_ list: [IPv4Address], shuffled: Bool = false) -> RecordSet {
            recordSet(
                .a,
                list.map { a in [UInt8(a.value >> 24), UInt8(a.value >> 16 & 0xff), UInt8(a.value >> 8 & 0xff), UInt8(a.value & 0xff)] },
                shuffled: shuffled)
        }

        var names = NameTable<RecordSet>()
        var pointers = NameTable<RecordSet>()
        var count = 0
        for services in networks {
            func pointer(_ target: String) -> RecordSet { recordSet(.ptr, [DNSMessage.encodeName("\(target).\(services.network)")]) }
            var local = NameTable<RecordSet>()
            func single(_ t: NetworkServices.Task, in set: RecordSet, at i: Int) {
                local.insert(
                    key(t.name), RecordSet(start: set.start + Int32(i) * set.length, count: 1, length: set.length, shuffled: false))
                pointers.insert(key(Self.reverseName(t.ip)), pointer(t.name), replacing: false)
            }
            for s in services.services {
                let tasks = addresses(s.tasks.map(\.ip))
                var service = tasks  // dnsrr, or no VIP: every task, shuffled per answer
                service.shuffled = true
                if let vip = s.vip {
                    pointers.insert(key(Self.reverseName(vip)), pointer(s.name), replacing: false)
                    if s.endpointMode == .vip { service = addresses([vip]) }
                }
                for n in [s.name] + s.aliases {
                    local.insert(key(n), service)
                    local.insert(key("tasks." + n), tasks)
                }
                for (i, t) in s.tasks.enumerated() { single(t, in: tasks, at: i) }
            }
            let containers = addresses(services.containers.map(\.ip))
            for (i, c) in services.containers.enumerated() { single(c, in: containers, at: i) }
            count += local.count
            // Each name also with `.<network>` appended, unless that is itself a name served.
            local.insertSuffixed(key(services.network))
            names.insertAll(local, replacing: false)
        }
        nameCount = count
        names.compact()
        pointers.compact()
        self.names = names
        self.pointers = pointers
        records = store.withUnsafeBufferPointer { Array($0) }
    }

    /// `3.0.0.10.in-addr.arpa` for 10.0.0.3.
    static func reverseName(_ a: IPv4Address) -> String {
        "\(a.value & 0xff).\(a.value >> 8 & 0xff).\(a.value >> 16 & 0xff).\(a.value >> 24).in-addr.arpa"
    }

    /// The records answering `question` (its lowercased wire name in `name`), nil when the name is
    /// not this network's. A known name asked for another type than A gets NODATA, not NXDOMAIN
    /// (NXDOMAIN for AAAA breaks musl clients).
    func lookup(_ question: DNSMessage.Question, name: UnsafeRawBufferPointer) -> RecordSet? {
        guard question.qclass == 1 else { return nil }
        if question.type == DNSMessage.RecordType.ptr.rawValue { return pointers[name] }
        guard let set = names[name] else { return nil }
        return question.type == DNSMessage.RecordType.a.rawValue || question.type == DNSMessage.RecordType.any.rawValue ? set : .none
    }

    /// Answers the query in `packet` when it can without the upstream servers: `write(capacity, body)`
    /// must give `body` a buffer of at least `capacity` bytes and keep the length it returns. Over
    /// UDP an answer fits 512 bytes or the client's EDNS0 size (at most `DNSMessage.udpPayloadSize`),
    /// with TC set when records are left out.
    public func respond(
        to packet: UnsafeRawBufferPointer, overTCP: Bool,
        write: (_ capacity: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Void
    ) -> Outcome {
        withUnsafeTemporaryAllocation(byteCount: DNSMessage.maxNameLength, alignment: 1) { name in
            let question: DNSMessage.Question
            switch DNSMessage.parse(packet, name: name) {
            case .failure(.drop): return .dropped
            case let .failure(.formErr(id, flags)):
                write(DNSMessage.headerSize) { DNSMessage.writeHeaderOnly(id: id, flags: flags, code: .formErr, into: $0) }
                return .answered
            case .success(let q): question = q
            }
            let limit = question.sizeLimit(overTCP: overTCP)
            let set: RecordSet
            if question.opcode != 0 {
                set = .none
            } else if let found = lookup(question, name: UnsafeRawBufferPointer(rebasing: name[..<question.nameLength])) {
                set = found
            } else {
                return .forward(question)
            }
            records.withUnsafeBytes { store in
                let bytes = UnsafeRawBufferPointer(rebasing: store[Int(set.start)..<Int(set.start + set.count * set.length)])
                write(DNSMessage.responseCapacity(question, recordBytes: bytes.count, limit: limit)) { out in
                    DNSMessage.writeResponse(
                        to: question, packet: packet, code: question.opcode == 0 ? .noError : .notImp,
                        records: bytes, recordLength: Int(set.length), shuffled: set.shuffled, limit: limit,
                        into: out)
                }
            }
            return .answered
        }
    }
}
