import CYAML

/// One node of a services file as libyaml's event parser reads it (`yaml_parser_parse`): a scalar's
/// text as written (no type resolved: `0x101` stays the string `0x101`), a sequence, or a mapping's
/// key/value pairs in file order, each with the 1-based line it starts on for error messages.
/// JSON is read the same way, since JSON is YAML. Aliases are resolved to their anchored node.
struct ServicesFileNode {
    enum Content {
        /// A scalar; `plain` is false for a quoted or block scalar (`"null"` is a string, `null` is not).
        case scalar(String, plain: Bool)
        case sequence([ServicesFileNode])
        case mapping([(key: ServicesFileNode, value: ServicesFileNode)])
    }

    var content: Content
    var line: Int

    var string: String? { if case .scalar(let s, _) = content { return s } else { return nil } }
    var sequence: [ServicesFileNode]? { if case .sequence(let items) = content { return items } else { return nil } }
    var mapping: [(key: ServicesFileNode, value: ServicesFileNode)]? {
        if case .mapping(let pairs) = content { return pairs } else { return nil }
    }

    /// YAML's and JSON's null as Docker prints it: the plain scalar `null`.
    var isNull: Bool { if case .scalar("null", plain: true) = content { return true } else { return false } }

    /// The value of the first key spelled `key`, or nil.
    subscript(key: String) -> ServicesFileNode? { mapping?.first { $0.key.string == key }?.value }

    /// Why a text is not one YAML document: libyaml's problem, where it is.
    struct SyntaxError: Error {
        var line: Int?
        var reason: String
    }

    /// The one document of `text`, or nil when it holds none (empty, or comments only).
    static func document(_ text: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> ServicesFileNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else { throw SyntaxError(line: nil, reason: "libyaml: out of memory") }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, text.baseAddress ?? UnsafePointer(bitPattern: 1)!, text.count)
        var builder = Builder()
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) != 0 else { throw syntaxError(parser) }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { break }
            try builder.take(event)
        }
        return builder.document
    }

    private static func syntaxError(_ parser: yaml_parser_t) -> SyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "error \(parser.error.rawValue)"
        let context = parser.context.map { " " + String(cString: $0) } ?? ""
        let mark = parser.problem_mark
        return SyntaxError(line: Int(mark.line) + 1, reason: "\(problem)\(context) (column \(mark.column + 1))")
    }

    /// Assembles nodes from the parser's events: a stack of the open sequences and mappings, each
    /// with its items or key/value pairs so far (a mapping's key kept until its value comes), appended
    /// to in place.
    private struct Builder {
        private struct Open {
            var isMapping: Bool
            var line: Int
            var anchor: String?
            var items: [ServicesFileNode] = []
            var pairs: [(key: ServicesFileNode, value: ServicesFileNode)] = []
            var key: ServicesFileNode?
        }
        private var open: [Open] = []
        private var anchors: [String: ServicesFileNode] = [:]
        private(set) var document: ServicesFileNode?
        private var documents = 0

        mutating func take(_ event: yaml_event_t) throws(SyntaxError) {
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw SyntaxError(line: line, reason: "a second document in the stream (the file holds one)") }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                add(
                    ServicesFileNode(content: .scalar(text, plain: s.style == YAML_PLAIN_SCALAR_STYLE), line: line),
                    anchor: Self.text(s.anchor))
            case YAML_SEQUENCE_START_EVENT:
                open.append(Open(isMapping: false, line: line, anchor: Self.text(event.data.sequence_start.anchor)))
            case YAML_MAPPING_START_EVENT:
                open.append(Open(isMapping: true, line: line, anchor: Self.text(event.data.mapping_start.anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let done = open.removeLast()
                add(
                    ServicesFileNode(content: done.isMapping ? .mapping(done.pairs) : .sequence(done.items), line: done.line),
                    anchor: done.anchor)
            case YAML_ALIAS_EVENT:
                let name = Self.text(event.data.alias.anchor) ?? ""
                guard let node = anchors[name] else { throw SyntaxError(line: line, reason: "alias *\(name) names no anchor") }
                add(node, anchor: nil)
            default:
                break
            }
        }

        /// Puts a finished node into the sequence or mapping that holds it, or makes it the document.
        private mutating func add(_ node: ServicesFileNode, anchor: String?) {
            if let anchor { anchors[anchor] = node }
            let last = open.count - 1
            if last < 0 {
                document = node
            } else if !open[last].isMapping {
                open[last].items.append(node)
            } else if let key = open[last].key {
                open[last].pairs.append((key, node))
                open[last].key = nil
            } else {
                open[last].key = node
            }
        }

        private static func text(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? { p.map { String(cString: $0) } }
    }
}
