import CYAML
import Glibc

/// One node of a services file as libyaml's event parser reads it (`yaml_parser_parse`): a scalar's
/// text as written (no type resolved: `0x101` stays the string `0x101`), a sequence, or a mapping's
/// key/value pairs in file order, each with the 1-based line it starts on for error messages.
/// JSON is read the same way, since JSON is YAML. An alias stands for its anchored node.
///
/// The nodes of a file live in one flat array, in document order (`Tree`): a node is its index
/// there, and a sequence's or mapping's children follow it up to the end of its subtree. A
/// scalar is a range of the tree's bytes (the file's own, when the scanner read it), made a String
/// only when asked. A file of thousands of services is thus read with no allocation per node and
/// freed at once. A node does not keep its tree alive (that would cost a reference count per node):
/// whoever reads nodes holds the tree meanwhile (`ServicesFile.parseNetworks`).
struct ServicesFileNode {
    private unowned(unsafe) let tree: Tree
    private let index: Int

    var line: Int { Int(tree.entries[index].line) }

    /// The text of a scalar, or nil.
    var string: String? {
        let entry = tree.entries[index]
        return entry.kind.isScalar ? String(decoding: tree.text(entry), as: UTF8.self) : nil
    }

    /// Whether this is a scalar spelled `spelling`, compared byte by byte (no String made).
    func isScalar(_ spelling: StaticString) -> Bool {
        let entry = tree.entries[index]
        return entry.kind.isScalar && tree.text(entry).spells(spelling)
    }

    /// The items of a sequence, or nil.
    var sequence: Children? { tree.entries[index].kind == .sequence ? Children(tree: tree, parent: index) : nil }

    /// The key/value pairs of a mapping, in file order, or nil.
    var mapping: Pairs? { tree.entries[index].kind == .mapping ? Pairs(children: Children(tree: tree, parent: index)) : nil }

    /// Whether this is a plain (unquoted) scalar, to which YAML tools give a type.
    var isPlain: Bool { tree.entries[index].kind == .plainScalar }

    /// YAML's and JSON's null as Docker prints it: the plain scalar `null`.
    var isNull: Bool { tree.entries[index].kind == .plainScalar && isScalar("null") }

    /// The value of the first key spelled `key`, or nil.
    subscript(key: String) -> ServicesFileNode? { mapping?.first { $0.key.string == key }?.value }

    /// A sequence's or mapping's children, in file order.
    struct Children: Sequence {
        fileprivate unowned(unsafe) let tree: Tree
        fileprivate let parent: Int

        var isEmpty: Bool { Int(tree.entries[parent].end) == parent + 1 }

        /// How many children there are, counted by hopping over their subtrees (for arrays to
        /// reserve their size).
        var underestimatedCount: Int {
            var (n, position, end) = (0, parent + 1, Int(tree.entries[parent].end))
            while position < end {
                n += 1
                position = Int(tree.entries[position].end)
            }
            return n
        }

        func makeIterator() -> Iterator { Iterator(tree: tree, position: parent + 1, end: Int(tree.entries[parent].end)) }

        struct Iterator: IteratorProtocol {
            fileprivate unowned(unsafe) let tree: Tree
            fileprivate var position: Int
            fileprivate let end: Int

            mutating func next() -> ServicesFileNode? {
                guard position < end else { return nil }
                let entry = tree.entries[position]
                defer { position = Int(entry.end) }
                return ServicesFileNode(tree: tree, index: entry.kind == .alias ? Int(entry.target) : position)
            }
        }
    }

    /// A mapping's children taken two by two.
    struct Pairs: Sequence {
        fileprivate let children: Children

        func makeIterator() -> Iterator { Iterator(children: children.makeIterator()) }

        struct Iterator: IteratorProtocol {
            fileprivate var children: Children.Iterator

            mutating func next() -> (key: ServicesFileNode, value: ServicesFileNode)? {
                guard let key = children.next(), let value = children.next() else { return nil }
                return (key, value)
            }
        }
    }

    /// Every node of one document, in document order. A container's `end` is the index after its
    /// subtree; an alias is an entry of its own whose `target` is its anchored node; a scalar's
    /// text is `bytes[start..<start + count]`.
    final class Tree {
        enum Kind: UInt8 {
            case plainScalar, otherScalar, sequence, mapping, alias
            var isScalar: Bool { self == .plainScalar || self == .otherScalar }
        }

        struct Entry {
            var kind: Kind
            var line: Int32
            var end: Int32
            var target: Int32 = 0
            var start: Int32 = 0
            var count: Int32 = 0
        }

        // Owned buffers, freed with the tree: reading a node retains nothing (a file holds tens of
        // thousands of nodes), and a constant needs no exclusivity check.
        let entries: UnsafeBufferPointer<Entry>
        let bytes: UnsafeBufferPointer<UInt8>

        init(_ entries: [Entry], bytes: [UInt8]) {
            self.entries = UnsafeBufferPointer(Self.copy(entries))
            self.bytes = UnsafeBufferPointer(Self.copy(bytes))
        }

        deinit {
            entries.deallocate()
            bytes.deallocate()
        }

        private static func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
            _ = buffer.initialize(from: array)
            return buffer
        }

        /// The document's root node, or nil when it holds none (empty, or comments only); valid
        /// while the tree lives.
        var root: ServicesFileNode? { entries.isEmpty ? nil : ServicesFileNode(tree: self, index: 0) }

        /// A scalar's text.
        func text(_ entry: Entry) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.start + entry.count)])
        }
    }

    /// Why a text is not one YAML document (libyaml's problem), or is one beyond a limit of
    /// ServicesFileLimits, and where.
    struct SyntaxError: Error {
        var line: Int?
        var reason: String
        var beyondLimit = false
    }

    /// The tree of the one document of `text`. The common shapes are read without libyaml
    /// (ServicesFileScanner), to the same tree, over the file's own bytes.
    static func tree(_ text: [UInt8]) throws(SyntaxError) -> Tree {
        if let entries = text.withUnsafeBufferPointer({ ServicesFileScanner.entries($0) }) { return Tree(entries, bytes: text) }
        return try libyamlTree(text)
    }

    /// The tree as libyaml's events give it (no entry for an empty document), the scalars' texts
    /// one after another in its bytes.
    static func libyamlTree(_ text: [UInt8]) throws(SyntaxError) -> Tree {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else { throw SyntaxError(line: nil, reason: "libyaml: out of memory") }
        defer { yaml_parser_delete(&parser) }
        var builder = Builder()
        try text.withUnsafeBufferPointer { (text) throws(SyntaxError) in
            yaml_parser_set_input_string(&parser, text.baseAddress ?? UnsafePointer(bitPattern: 1)!, text.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) != 0 else { throw syntaxError(parser, text) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.take(event)
            }
        }
        return Tree(builder.entries, bytes: builder.bytes)
    }

    /// libyaml's problem where it is: a reader error (a control character, bad UTF-8) has no mark
    /// but a byte offset, whose line is counted here.
    private static func syntaxError(_ parser: yaml_parser_t, _ text: UnsafeBufferPointer<UInt8>) -> SyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "error \(parser.error.rawValue)"
        if parser.error == YAML_READER_ERROR {
            let before = text.prefix(min(parser.problem_offset, text.count))
            let line = 1 + before.reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) }
            let column = before.count - (before.lastIndex(of: 0x0a).map { $0 + 1 } ?? 0) + 1
            return SyntaxError(line: line, reason: "\(problem) (byte \(column) of the line)")
        }
        let context = parser.context.map { " " + String(cString: $0) } ?? ""
        let mark = parser.problem_mark
        return SyntaxError(line: Int(mark.line) + 1, reason: "\(problem)\(context) (column \(mark.column + 1))")
    }

    /// Appends the parser's events to the tree: each node as it starts, a container's end filled in
    /// when it closes (the stack of open containers, no recursion). It counts the nodes the
    /// document stands for, an alias counting as its anchored node's (so a tree of aliases of
    /// aliases is refused in time linear in its text), and refuses nesting and counts beyond
    /// ServicesFileLimits.
    private struct Builder {
        private(set) var entries: [Tree.Entry] = []
        private(set) var bytes: [UInt8] = []
        /// The open containers: where each is, the anchor it takes once complete (so that an
        /// alias inside it cannot name it), and the node count when it opened.
        private var open: [(index: Int, anchor: String?, nodesBefore: Int)] = []
        /// Each anchor's node and the nodes that node stands for.
        private var anchors: [String: (index: Int32, nodes: Int)] = [:]
        private var documents = 0
        private var nodes = 0

        private mutating func count(_ n: Int, line: Int32) throws(SyntaxError) {
            nodes += n
            guard nodes <= ServicesFileLimits.nodes else {
                throw SyntaxError(
                    line: Int(line),
                    reason: "stands for more than \(ServicesFileLimits.nodes) nodes once its aliases are expanded (the limit)",
                    beyondLimit: true)
            }
        }

        mutating func take(_ event: yaml_event_t) throws(SyntaxError) {
            let line = Int32(truncatingIfNeeded: event.start_mark.line + 1)
            let index = Int32(entries.count)
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw SyntaxError(line: Int(line), reason: "a second document in the stream (the file holds one)") }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                entries.append(
                    Tree.Entry(
                        kind: s.style == YAML_PLAIN_SCALAR_STYLE ? .plainScalar : .otherScalar, line: line, end: index + 1,
                        start: Int32(bytes.count), count: Int32(s.length)))
                bytes += UnsafeBufferPointer(start: s.value, count: s.length)
                if let name = s.anchor { anchors[String(cString: name)] = (index, 1) }
                try count(1, line: line)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                entries.append(Tree.Entry(kind: isMapping ? .mapping : .sequence, line: line, end: index + 1))
                let name = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                open.append((Int(index), name.map { String(cString: $0) }, nodes))
                guard open.count <= ServicesFileLimits.depth else {
                    throw SyntaxError(
                        line: Int(line), reason: "nests deeper than \(ServicesFileLimits.depth) levels (the limit)", beyondLimit: true)
                }
                try count(1, line: line)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let done = open.removeLast()
                entries[done.index].end = index
                if let name = done.anchor { anchors[name] = (Int32(done.index), nodes - done.nodesBefore) }
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                guard let target = anchors[name] else { throw SyntaxError(line: Int(line), reason: "alias *\(name) names no anchor") }
                entries.append(Tree.Entry(kind: .alias, line: line, end: index + 1, target: target.index))
                try count(target.nodes, line: line)
            default:
                break
            }
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these are `spelling`'s bytes, compared with memcmp (no String made).
    func spells(_ spelling: StaticString) -> Bool {
        guard count == spelling.utf8CodeUnitCount else { return false }
        guard let baseAddress else { return true }
        return memcmp(baseAddress, spelling.utf8Start, count) == 0
    }
}
