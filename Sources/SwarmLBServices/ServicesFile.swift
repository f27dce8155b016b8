import Glibc
import SwarmLBKit

/// A problem in a services file, located for the operator: file, line and field.
public struct ServicesFileError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var field: String
    public var reason: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(field.isEmpty ? "" : "field \(field): ")\(reason)"
    }

    /// True when the file itself could not be read (open(2) or read(2) failed), not its content.
    public var isUnreadable: Bool { line == nil && field.isEmpty && reason.hasPrefix(Self.unreadablePrefix) }

    /// The exit status of every command that reads a services file: 1 when open(2) or read(2)
    /// failed (a runtime failure), 2 for the rest (malformed, beyond a limit, not a regular file).
    public var exitStatus: Int32 { isUnreadable ? 1 : 2 }

    static let unreadablePrefix = "cannot read the file: "
}

/// Reads the services file shared by `dns serve` and later commands: YAML, or JSON (read by the
/// same parser, since JSON is YAML: libyaml's events, ServicesFileNode.swift), e.g.
///
///     network: my-network
///     subnet: 10.0.0.0/24
///     services:
///       - name: my-web
///         vip: 10.0.0.2
///         fwmark: 0x101
///         aliases: [web]
///         endpoint_mode: vip          # or dnsrr
///         scheduler: rr               # IPVS scheduler for apply (default rr)
///         tasks:
///           - {name: my-web.1.5yzoighbalqvio4djic464a9j, ip: 10.0.0.3}
///           - {name: my-web.2.0x1j3m4de0ps6jhlrdvf9yyq0, ip: 10.0.0.4, weight: 0}   # apply: drained
///           - {name: my-web.3.k2v8b1l0y3z0mq5c1d9x7w6e4, ip: 10.0.0.5, node: 192.168.99.2}  # on another node (apply --overlay: a peer)
///
/// Every error names the file, the line and the field; unknown fields are errors (typos matter).
/// The JSON printed by `docker network inspect -v NET...` (an array of networks) is read as it is
/// (DockerNetworkInspect.swift).
public enum ServicesFile {
    /// The one network of a services file, for commands that program one network (`apply`).
    public static func load(path: String) throws(ServicesFileError) -> NetworkServices {
        try only(loadNetworks(path: path), file: path)
    }

    /// Every network of a services file: one for the YAML layout, one or more for Docker's JSON.
    public static func loadNetworks(path: String) throws(ServicesFileError) -> [NetworkServices] {
        let bytes = try contents(path)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ServicesFileError(file: path, line: nil, field: "", reason: "not UTF-8 text")
        }
        return try parseNetworks(bytes, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ServicesFileError) -> NetworkServices {
        try only(parseNetworks(text, file: file), file: file)
    }

    public static func parseNetworks(_ text: String, file: String) throws(ServicesFileError) -> [NetworkServices] {
        try parseNetworks(Array(text.utf8), file: file)
    }

    private static func parseNetworks(_ text: [UInt8], file: String) throws(ServicesFileError) -> [NetworkServices] {
        let tree: ServicesFileNode.Tree
        switch Result(catching: { () throws(ServicesFileNode.SyntaxError) in try ServicesFileNode.tree(text) }) {
        case .success(let t): tree = t
        case .failure(let error):
            throw ServicesFileError(
                file: file, line: error.line, field: "",
                reason: error.beyondLimit ? error.reason : "not valid YAML or JSON: \(error.reason)")
        }
        // The nodes do not keep the tree alive: it is held here while they are read.
        return try withExtendedLifetime(tree) { () throws(ServicesFileError) in
            guard let root = tree.root else { throw ServicesFileError(file: file, line: nil, field: "", reason: "the file is empty") }
            let reader = Reader(file: file)
            return root.sequence != nil ? try reader.dockerNetworks(root) : [try reader.network(root)]
        }
    }

    private static func only(_ networks: [NetworkServices], file: String) throws(ServicesFileError) -> NetworkServices {
        guard networks.count == 1 else {
            throw ServicesFileError(
                file: file, line: nil, field: "",
                reason: """
                    holds \(networks.count) networks (\(networks.map(\.network).joined(separator: ", "))); \
                    this command takes one (docker network inspect -v NET)
                    """)
        }
        return networks[0]
    }

    /// Walks the node tree, keeping the field path for error messages (here for the YAML layout,
    /// in DockerNetworkInspect.swift for Docker's).
    struct Reader {
        let file: String

        // Field paths are autoclosures, spelled only for an error: a file holds tens of thousands of fields.
        func fail(_ node: ServicesFileNode?, _ field: @autoclosure () -> String, _ reason: String) -> ServicesFileError {
            ServicesFileError(file: file, line: node?.line, field: field(), reason: reason)
        }

        /// A mapping's values by key, the last one when a key is repeated: one slot per known key,
        /// filled in one pass over the mapping. Keys are matched byte by byte (a file holds tens
        /// of thousands: none is made a String); a mapping has at most 8 known keys.
        struct Fields {
            let keys: [StaticString]
            var values: InlineArray<8, ServicesFileNode?>
            subscript(_ key: StaticString) -> ServicesFileNode? { keys.firstIndex { Self.same($0, key) }.flatMap { values[$0] } }

            private static func same(_ a: StaticString, _ b: StaticString) -> Bool {
                // One literal, as a rule: the same NUL-terminated bytes at the same address.
                a.utf8Start == b.utf8Start || UnsafeBufferPointer(start: a.utf8Start, count: a.utf8CodeUnitCount).spells(b)
            }
        }

        /// The mapping's values, every key one of `keys`.
        func mapping(
            _ node: ServicesFileNode, _ field: @autoclosure () -> String, keys: [StaticString]
        ) throws(ServicesFileError) -> Fields {
            guard let m = node.mapping else { throw fail(node, field(), "expected a mapping") }
            precondition(keys.count <= 8, "a mapping of the services file has at most 8 known keys")
            var fields = Fields(keys: keys, values: .init(repeating: nil))
            for (k, v) in m {
                guard let slot = keys.firstIndex(where: { k.isScalar($0) }) else {
                    let path = field()
                    throw fail(
                        k, path.isEmpty ? (k.string ?? "?") : "\(path).\(k.string ?? "?")",
                        "unknown field (known: \(keys.map { "\($0)" }.sorted().joined(separator: ", ")))")
                }
                fields.values[slot] = v
            }
            return fields
        }

        /// A scalar's text where a name or a number belongs. YAML's null and booleans (as PyYAML
        /// and YAML 1.1 tools read them) are refused unquoted, as another tool would read them otherwise.
        func string(
            _ node: ServicesFileNode?, _ field: @autoclosure () -> String, parent: ServicesFileNode
        ) throws(ServicesFileError) -> String {
            guard let node else { throw fail(parent, field(), "missing") }
            guard let s = node.string, !s.isEmpty else { throw fail(node, field(), "expected a non-empty value") }
            // The words are 1 to 5 letters, `~` aside: a name or an address is not looked up (the hot path).
            if node.isPlain, s.utf8.count <= 5, s.utf8.first.map({ !(0x30...0x39).contains($0) }) ?? false, let word = Self.yamlWords[s] {
                throw fail(node, field(), "\(s) is YAML's \(word), not a name or number (quote it, \"\(s)\", to mean the text)")
            }
            return s
        }

        /// The plain scalars YAML 1.1 tools read as null or a boolean, not as text.
        static let yamlWords: [String: String] = {
            var words = ["~": "null"]
            for (spellings, meaning) in [("null", "null"), ("true yes on", "boolean true"), ("false no off", "boolean false")] {
                for word in spellings.split(separator: " ").map(String.init) {
                    for spelling in [word, word.prefix(1).uppercased() + word.dropFirst(), word.uppercased()] { words[spelling] = meaning }
                }
            }
            return words
        }()

        /// A number as every services file writes it: decimal, or 0x hex. A leading zero is refused
        /// (YAML 1.1 tools read `0401` as octal), quoted or not: a quoted number is the same number.
        func number<T>(
            _ node: ServicesFileNode?, _ field: @autoclosure () -> String, parent: ServicesFileNode, _ parse: (String) throws -> T
        ) throws(ServicesFileError) -> T {
            let text = try string(node, field(), parent: parent)
            let utf8 = text.utf8
            if utf8.count > 1, utf8.first == 0x30, let second = utf8.dropFirst().first, (0x30...0x39).contains(second) {
                throw fail(node, field(), "\(text) has a leading zero (octal to YAML 1.1 tools): write it in decimal or 0x hex")
            }
            do { return try parse(text) } catch { throw fail(node, field(), "\(error)") }
        }

        func parsed<T>(
            _ node: ServicesFileNode?, _ field: @autoclosure () -> String, parent: ServicesFileNode, _ parse: (String) throws -> T
        ) throws(ServicesFileError) -> T {
            let text = try string(node, field(), parent: parent)
            do { return try parse(text) } catch { throw fail(node, field(), "\(error)") }
        }

        func name(
            _ node: ServicesFileNode?, _ field: @autoclosure () -> String, parent: ServicesFileNode
        ) throws(ServicesFileError) -> String {
            let text = try string(node, field(), parent: parent)
            guard DNSName.isValid(text) else {
                throw fail(node, field(), "\"\(text)\" is not a DNS name (letters, digits, -, _ and dots; labels of 1-63)")
            }
            return text
        }

        func network(_ root: ServicesFileNode) throws(ServicesFileError) -> NetworkServices {
            let m = try mapping(root, "", keys: Self.networkKeys)
            var result = NetworkServices(
                network: try name(m["network"], "network", parent: root),
                subnet: try m["subnet"].map { node throws(ServicesFileError) in
                    try parsed(node, "subnet", parent: root) { try IPv4Subnet(parsing: $0) }
                },
                services: [])
            guard let list = m["services"] else { return result }
            guard let items = list.sequence else { throw fail(list, "services", "expected a list") }
            result.services.reserveCapacity(items.underestimatedCount)
            for (i, item) in items.enumerated() { result.services.append(try service(item, "services[\(i)]")) }
            if let problem = result.firstProblem() { throw fail(locate(problem.field, in: root), problem.field, problem.reason) }
            return result
        }

        /// The node of a field path such as `services[1].aliases[0]` (for its line), or nil.
        func locate(_ field: String, in root: ServicesFileNode) -> ServicesFileNode? {
            var node: ServicesFileNode? = root
            for part in field.split(separator: ".") {
                let key = part.prefix(while: { $0 != "[" })
                node = node?[String(key)]
                if let open = part.firstIndex(of: "["), let i = Int(part[part.index(after: open)...].dropLast()) {
                    node = node?.sequence.flatMap { items in Array(items).dropFirst(i).first }
                }
            }
            return node
        }

        static let networkKeys: [StaticString] = ["network", "subnet", "services"]
        static let serviceKeys: [StaticString] = ["name", "vip", "fwmark", "aliases", "endpoint_mode", "scheduler", "tasks"]
        static let taskKeys: [StaticString] = ["name", "ip", "weight", "node"]

        func service(_ node: ServicesFileNode, _ field: @autoclosure () -> String) throws(ServicesFileError) -> NetworkServices.Service {
            let m = try mapping(node, field(), keys: Self.serviceKeys)
            var s = NetworkServices.Service(name: try name(m["name"], "\(field()).name", parent: node))
            if let v = m["vip"] { s.vip = try parsed(v, "\(field()).vip", parent: node) { try IPv4Address(parsing: $0) } }
            if let f = m["fwmark"] { s.fwmark = try number(f, "\(field()).fwmark", parent: node) { try FirewallMark(parsing: $0) } }
            if let mode = m["endpoint_mode"] {
                s.endpointMode = try parsed(mode, "\(field()).endpoint_mode", parent: node) { text in
                    guard let e = NetworkServices.EndpointMode(rawValue: text) else {
                        throw SwarmLBKit.ValidationError(text, "endpoint mode (vip or dnsrr)")
                    }
                    return e
                }
            }
            if let sched = m["scheduler"] {
                s.scheduler = try parsed(sched, "\(field()).scheduler", parent: node) { try IPVSScheduler(parsing: $0) }
            }
            if let a = m["aliases"] {
                guard let items = a.sequence else { throw fail(a, "\(field()).aliases", "expected a list") }
                for (i, item) in items.enumerated() { s.aliases.append(try name(item, "\(field()).aliases[\(i)]", parent: a)) }
            }
            if let t = m["tasks"] {
                guard let items = t.sequence else { throw fail(t, "\(field()).tasks", "expected a list") }
                s.tasks.reserveCapacity(items.underestimatedCount)
                for (i, item) in items.enumerated() {
                    func f() -> String { "\(field()).tasks[\(i)]" }
                    let tm = try mapping(item, f(), keys: Self.taskKeys)
                    var task = NetworkServices.Task(
                        name: try name(tm["name"], "\(f()).name", parent: item),
                        ip: try parsed(tm["ip"], "\(f()).ip", parent: item) { try IPv4Address(parsing: $0) })
                    if let w = tm["weight"] {
                        task.weight = try number(w, "\(f()).weight", parent: item) { text in
                            let hex = text.hasPrefix("0x") || text.hasPrefix("0X")
                            guard text.first != "+", let n = Int32(hex ? text.dropFirst(2) : Substring(text), radix: hex ? 16 : 10),
                                (0...65535).contains(n)
                            else {
                                throw SwarmLBKit.ValidationError(text, "weight (0-65535)")
                            }
                            return n
                        }
                    }
                    if let n = tm["node"] { task.node = try parsed(n, "\(f()).node", parent: item) { try IPv4Address(parsing: $0) } }
                    s.tasks.append(task)
                }
            }
            if s.endpointMode == .vip, s.vip == nil { throw fail(node, "\(field()).vip", "missing (a service in vip mode needs a VIP)") }
            return s
        }
    }
}

/// The line the `count`th byte of `bytes` is on (memchr: fast in a debug build too).
private func lineCount(_ bytes: [UInt8], _ count: Int) -> Int {
    bytes.withUnsafeBufferPointer { buffer in
        var (line, from) = (1, buffer.baseAddress!)
        let end = from + count
        while from < end, let found = memchr(from, 0x0a, end - from) {
            line += 1
            from = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return line
    }
}

/// The bytes of the regular file at `path`, or why it cannot be read, as open(2) or read(2) says it
/// (No such file or directory (ENOENT), Permission denied (EACCES)). Anything but a regular file
/// (a FIFO, a device such as /dev/zero, a directory) is refused at once: opened without blocking,
/// then fstat(2); at most `ServicesFileLimits.bytes` + 1 bytes are read.
private func contents(_ path: String) throws(ServicesFileError) -> [UInt8] {
    func failure(_ e: Int32) -> ServicesFileError {
        ServicesFileError(file: path, line: nil, field: "", reason: ServicesFileError.unreadablePrefix + errnoText(e))
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
    guard fd >= 0 else { throw failure(errno) }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else { throw failure(errno) }
    guard status.st_mode & S_IFMT == S_IFREG else {
        let kind =
            switch status.st_mode & S_IFMT {
            case S_IFDIR: "a directory"
            case S_IFIFO: "a FIFO"
            case S_IFCHR, S_IFBLK: "a device"
            case S_IFSOCK: "a socket"
            default: "a special file"
            }
        throw ServicesFileError(
            file: path, line: nil, field: "", reason: "\(kind), not a regular file (a services file is read only from one)")
    }
    let limit = ServicesFileLimits.bytes
    var bytes = [UInt8](repeating: 0, count: min(Int(status.st_size), limit) + 1)
    var count = 0
    while true {
        if count == bytes.count {
            guard count <= limit else {
                throw ServicesFileError(
                    file: path, line: lineCount(bytes, limit), field: "", reason: "larger than \(limit) bytes (the limit)")
            }
            bytes += [UInt8](repeating: 0, count: min(max(count, 1 << 16), limit + 1 - count))
        }
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
        if n < 0, errno == EINTR { continue }
        guard n >= 0 else { throw failure(errno) }
        if n == 0 {
            bytes.removeSubrange(count...)
            return bytes
        }
        count += n
    }
}
