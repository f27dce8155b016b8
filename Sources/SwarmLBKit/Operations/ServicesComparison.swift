/// Compares a namespace with the services file it should carry out (`inspect --expect FILE`, a
/// services file or `docker network inspect -v NET`): each VIP-mode service's VIP assigned and
/// marked with the service's mark, its IPVS service's real servers exactly its tasks, and no fwmark
/// service the file does not know. What an operator does with `docker network inspect -v` beside
/// `ipvsadm -Ln` to find a stale backend (moby#33790). Pure: works on facts already read.
public struct ServicesComparison {
    public let expected: NetworkServices
    /// Each VIP-mode service's mark: the file's (`fwmark`, Docker's `LocalLBIndex`), else the one its VIP is marked with.
    private let markOf: [String: FirewallMark]
    /// The service whose VIP a mark rule marks, for a mark that is no service's own.
    private let vipOwnerByMark: [FirewallMark: String]
    public private(set) var problems: [Problem] = []

    public init(_ expected: NetworkServices, _ f: Inspector.Facts) {
        self.expected = expected
        let vipServices = expected.services.filter { $0.endpointMode == .vip && $0.vip != nil }
        var markOf: [String: FirewallMark] = [:]
        let assigned = Set(f.addresses.filter { $0.prefixLength == 32 }.map(\.address))
        let entryByMark = Dictionary(
            f.ipvs.entries.compactMap { e in e.service.key.fwmark.map { ($0, e) } }, uniquingKeysWith: { first, _ in first })
        for s in vipServices {
            guard let vip = s.vip else { continue }
            let rules = f.marks.filter { $0.selector == .vip(vip) }
            if rules.isEmpty {
                problems.append(
                    Problem(
                        kind: .vipUnmarked,
                        message: "VIP \(vip) of service \(s.name) has no mangle rule marking it"
                            + (s.fwmark.map { " (the file's mark \($0.hex))" } ?? "")))
                if !assigned.contains(vip) {
                    // With a mark rule, the report's own vip_not_assigned names the service.
                    problems.append(
                        Problem(kind: .vipNotAssigned, message: "VIP \(vip) of service \(s.name) is not assigned as a /32 on any interface")
                    )
                }
            }
            if let want = s.fwmark {
                for r in rules where r.mark != want {
                    problems.append(
                        Problem(
                            kind: .vipWrongMark,
                            message:
                                "VIP \(vip) of service \(s.name) is marked \(r.mark.hex) (mangle \(r.chain)), not the file's \(want.hex)"))
                }
            }
            guard let mark = s.fwmark ?? rules.first?.mark else { continue }
            markOf[s.name] = mark
            let reals = entryByMark[mark]?.reals ?? []
            let tasks = Set(s.tasks.map(\.ip))
            for r in reals where !(r.address.ipv4.map(tasks.contains) ?? false) {
                problems.append(
                    Problem(
                        kind: .realNotATask,
                        message:
                            "real server \(r.endpoint) of service \(s.name) (FWM \(mark.value)) is no task of the service (stale backend, moby#33790)"
                    ))
            }
            let held = Set(reals.compactMap(\.address.ipv4))
            for t in s.tasks where !held.contains(t.ip) {
                problems.append(
                    Problem(
                        kind: .taskWithoutReal,
                        message: "task \(t.name) (\(t.ip)) of service \(s.name) is no real server of FWM \(mark.value)"
                            + (entryByMark[mark] == nil ? " (there is no such IPVS service)" : "")))
            }
        }
        self.markOf = markOf
        let vipOwner = Dictionary(vipServices.compactMap { s in s.vip.map { ($0, s.name) } }, uniquingKeysWith: { a, _ in a })
        vipOwnerByMark = Dictionary(
            f.marks.compactMap { r in if case .vip(let a) = r.selector, let name = vipOwner[a] { (r.mark, name) } else { nil } },
            uniquingKeysWith: { a, _ in a })
        let known = Set(markOf.values)
        for e in f.ipvs.entries {
            guard let mark = e.service.key.fwmark, !known.contains(mark) else { continue }
            let vips = f.marks.filter { $0.mark == mark }.map { r -> String in
                switch r.selector {
                case .vip(let a): return "VIP \(a)"
                case .port(let p): return "port \(p)"
                }
            }
            problems.append(
                Problem(
                    kind: .serviceNotExpected,
                    message:
                        "IPVS service FWM \(mark.value) (\(vips.isEmpty ? "no mark rule" : vips.joined(separator: ", "))) is no service of network \(expected.network) in the file"
                ))
        }
    }

    /// The file's service whose mark this is, else the one whose VIP it marks.
    public func service(mark: FirewallMark) -> NetworkServices.Service? {
        let name = expected.services.first { markOf[$0.name] == mark }?.name ?? vipOwnerByMark[mark]
        return expected.services.first { $0.name == name }
    }

    /// The file's VIP-mode service with this VIP.
    public func service(vip: IPv4Address) -> NetworkServices.Service? {
        expected.services.first { $0.endpointMode == .vip && $0.vip == vip }
    }
}
