/// The common shapes of a services file read without libyaml, byte by byte, into the same flat tree
/// (nodes, texts, styles, lines) as libyaml's events give, each scalar a range of the file's bytes:
/// block mappings and sequences, flow collections (so JSON as Docker prints it), plain scalars of
/// the characters names, addresses, subnets and numbers are made of, double-quoted scalars with no
/// escape, and comments: libyaml's scanner is the larger part of reading a large file (what this
/// buys is in docs/benchmarks.md).
///
/// Anything else (an anchor, a tag, a block scalar, an escape, a multi-line scalar, an empty value,
/// a tab, a document marker, a comment holding anything but printable ASCII, a key longer than
/// libyaml's simple keys, nesting deeper than `ServicesFileLimits.depth`, any error) gives nil, and
/// the file is read by libyaml, which then also words the error. ServicesFileScannerTests and
/// ServicesFileFuzzTests hold both readings equal on every file they make.
struct ServicesFileScanner {
    private typealias Entry = ServicesFileNode.Tree.Entry
    private let bytes: UnsafeBufferPointer<UInt8>
    private var pos = 0
    private var line: Int32 = 1
    private var lineStart = 0
    private var entries: [Entry] = []
    private var depth = 0

    /// Why the scanner leaves a file to libyaml.
    private struct Unsupported: Error {}

    /// The entries of the one document of `text`, or nil when libyaml is to read it (also when it
    /// holds no document: libyaml says so).
    static func entries(_ text: UnsafeBufferPointer<UInt8>) -> [ServicesFileNode.Tree.Entry]? {
        var scanner = ServicesFileScanner(bytes: text)
        do {
            guard !scanner.atDocumentEnd else { return nil }
            try scanner.skipTrivia()
            guard scanner.pos < text.count else { return nil }
            try scanner.blockNode(column: scanner.column)
            try scanner.skipTrivia()
            guard scanner.pos == text.count, scanner.entries.count <= ServicesFileLimits.nodes else { return nil }
        } catch {
            return nil
        }
        return scanner.entries
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // About one node per 6 bytes in the bench's file and Docker's.
        entries.reserveCapacity(min(bytes.count / 6, ServicesFileLimits.nodes))
    }

    private var column: Int { pos - lineStart }
    private var current: UInt8? { pos < bytes.count ? bytes[pos] : nil }
    private func byte(at i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    /// A byte of a plain scalar here: letters, digits and `. _ / + -` (names, addresses, subnets,
    /// marks, numbers); the first may not be `-`.
    private static func isPlain(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a, 0x2e, 0x5f, 0x2f, 0x2b, 0x2d: true
        default: false
        }
    }

    private static func endsToken(_ b: UInt8?) -> Bool { b == nil || b == 0x20 || b == 0x0a }

    /// Skips spaces, line ends and comments (a `#` at a line's start or after a space).
    private mutating func skipTrivia() throws(Unsupported) {
        while let b = current {
            switch b {
            case 0x20: pos += 1
            case 0x0a: try newLine()
            case 0x23:
                guard pos == lineStart || bytes[pos - 1] == 0x20 || bytes[pos - 1] == 0x0a else { throw Unsupported() }
                try skipComment()
            case 0x09, 0x0d: throw Unsupported()
            default: return
            }
        }
    }

    /// Skips a comment to its line's end. YAML also ends one at CR, NEL, LS and PS, and libyaml
    /// refuses control characters: a comment of anything but printable ASCII and tabs is left to it.
    @inline(never)  // rare: kept out of skipTrivia's loop
    private mutating func skipComment() throws(Unsupported) {
        while let c = current, c != 0x0a {
            guard c == 0x09 || (0x20...0x7e).contains(c) else { throw Unsupported() }
            pos += 1
        }
    }

    /// Steps over a line's end, to a line that must not start with a document end.
    @inline(never)  // once a line: kept out of skipTrivia's loop over spaces
    private mutating func newLine() throws(Unsupported) {
        pos += 1
        line += 1
        lineStart = pos
        if atDocumentEnd { throw Unsupported() }
    }

    /// Skips spaces and a comment up to the line's end, and requires that end.
    private mutating func endOfLine() throws(Unsupported) {
        while current == 0x20 { pos += 1 }
        if current == 0x23 {
            guard bytes[pos - 1] == 0x20 else { throw Unsupported() }
            try skipComment()
        }
        guard current == 0x0a || current == nil else { throw Unsupported() }
    }

    /// A container starts: libyaml words the refusal of one too deep, or of too many nodes.
    @inline(__always)
    private mutating func open(_ kind: ServicesFileNode.Tree.Kind, line: Int32) throws(Unsupported) -> Int {
        depth += 1
        guard depth <= ServicesFileLimits.depth, entries.count < ServicesFileLimits.nodes else { throw Unsupported() }
        entries.append(Entry(kind: kind, line: line, end: 0))
        return entries.count - 1
    }

    /// Each item of a collection checks that the tree is within the node limit, so that a file of
    /// too many nodes is left to libyaml (which words the refusal) before it takes their memory.
    @inline(__always)
    private func checkNodeCount() throws(Unsupported) {
        guard entries.count < ServicesFileLimits.nodes else { throw Unsupported() }
    }

    private mutating func close(_ index: Int) {
        depth -= 1
        entries[index].end = Int32(entries.count)
    }

    /// Whether the key that starts at `start` ends at a `:` here within libyaml's reach for a simple
    /// key (1,024 characters; beyond, it is no key to libyaml).
    private func keyEnds(from start: Int) -> Bool { current == 0x3a && pos - start <= 1000 }

    /// `...` at a line's start ends a document in YAML, whatever follows: checked at each line's start.
    private var atDocumentEnd: Bool { current == 0x2e && byte(at: pos + 1) == 0x2e && byte(at: pos + 2) == 0x2e }

    /// A scalar: where its text is in the file, and whether it was plain (not quoted).
    private struct Scalar {
        var start: Int
        var end: Int
        var plain: Bool
    }

    private mutating func append(_ s: Scalar, line: Int32) {
        let index = Int32(entries.count)
        entries.append(
            Entry(
                kind: s.plain ? .plainScalar : .otherScalar, line: line, end: index + 1, start: Int32(s.start),
                count: Int32(s.end - s.start)))
    }

    // MARK: block context

    /// The node that starts here, at `column`.
    private mutating func blockNode(column: Int) throws(Unsupported) {
        guard let b = current else { throw Unsupported() }
        if b == 0x2d, Self.endsToken(byte(at: pos + 1)) { return try blockSequence(column: column) }
        if b == 0x7b || b == 0x5b {
            try flowNode()
            return try endOfLine()
        }
        // A scalar: a mapping's first key when a `:` follows it, else the node itself.
        let startLine = line
        let text = try blockScalar()
        if current == 0x3a, Self.endsToken(byte(at: pos + 1)) {
            return try blockMapping(column: column, firstKey: text, line: startLine)
        }
        append(text, line: startLine)
        try endOfLine()
    }

    /// A key or a value on one line: a plain scalar (to a `: `, a ` #` or the line's end) or a
    /// double-quoted one.
    private mutating func blockScalar() throws(Unsupported) -> Scalar {
        if current == 0x22 { return try quoted() }
        guard let first = current, Self.isPlain(first), first != 0x2d else { throw Unsupported() }
        let start = pos
        while let c = current, Self.isPlain(c) { pos += 1 }
        guard Self.endsToken(current) || current == 0x3a else { throw Unsupported() }
        if current == 0x3a, !Self.endsToken(byte(at: pos + 1)) { throw Unsupported() }
        return Scalar(start: start, end: pos, plain: true)
    }

    /// The mapping whose first key (read by blockNode) starts on `startLine`.
    private mutating func blockMapping(column: Int, firstKey: Scalar, line startLine: Int32) throws(Unsupported) {
        let index = try open(.mapping, line: startLine)
        var key = firstKey
        var keyLine = startLine
        while true {
            // In block context a `:` is a key's end only before a space or a line's end, after a quoted key too.
            guard keyEnds(from: key.plain ? key.start : key.start - 1), Self.endsToken(byte(at: pos + 1)) else { throw Unsupported() }
            append(key, line: keyLine)
            pos += 1
            while current == 0x20 { pos += 1 }
            if current == nil || current == 0x0a || current == 0x23 {
                try endOfLine()
                try skipTrivia()
                // The value on the lines below: deeper, or a sequence at the key's own column.
                guard current != nil, self.column > column || (self.column == column && current == 0x2d) else { throw Unsupported() }
                try blockNode(column: self.column)
            } else {
                try inlineValue()
            }
            try checkNodeCount()
            try skipTrivia()
            if current == nil || self.column < column { break }
            guard self.column == column else { throw Unsupported() }
            keyLine = line
            key = try blockScalar()
        }
        close(index)
    }

    /// A mapping's value on the key's line: a flow collection or a scalar.
    private mutating func inlineValue() throws(Unsupported) {
        if current == 0x7b || current == 0x5b {
            try flowNode()
        } else {
            let valueLine = line
            let text = try blockScalar()
            guard current != 0x3a else { throw Unsupported() }  // `a: b: c`
            append(text, line: valueLine)
        }
        try endOfLine()
    }

    private mutating func blockSequence(column: Int) throws(Unsupported) {
        let index = try open(.sequence, line: line)
        while current == 0x2d, Self.endsToken(byte(at: pos + 1)) {
            pos += 1
            while current == 0x20 { pos += 1 }
            guard current != nil, current != 0x0a, current != 0x23 else { throw Unsupported() }  // an item on its own lines
            try blockNode(column: self.column)
            try checkNodeCount()
            try skipTrivia()
            if current == nil || self.column < column { break }
            guard self.column == column else { throw Unsupported() }
        }
        close(index)
    }

    // MARK: flow context

    private mutating func flowNode() throws(Unsupported) {
        switch current {
        case 0x7b: try flowCollection(mapping: true)
        case 0x5b: try flowCollection(mapping: false)
        default:
            let startLine = line
            append(try flowScalar(), line: startLine)
        }
    }

    /// `{k: v, ...}` or `[a, ...]`, over any number of lines.
    private mutating func flowCollection(mapping: Bool) throws(Unsupported) {
        let index = try open(mapping ? .mapping : .sequence, line: line)
        let closing: UInt8 = mapping ? 0x7d : 0x5d
        pos += 1
        try skipTrivia()
        if current == closing {
            pos += 1
            return close(index)
        }
        while true {
            if mapping {
                let keyLine = line
                let key = try flowScalar()
                while current == 0x20 { pos += 1 }  // a key's `:` is on its line
                guard keyEnds(from: key.plain ? key.start : key.start - 1), !key.plain || Self.endsToken(byte(at: pos + 1)) else {
                    throw Unsupported()
                }
                append(key, line: keyLine)
                pos += 1
                try skipTrivia()
                guard current != 0x2c, current != closing else { throw Unsupported() }  // an empty value
            }
            try flowNode()
            try checkNodeCount()
            try skipTrivia()
            if current == closing {
                pos += 1
                return close(index)
            }
            guard current == 0x2c else { throw Unsupported() }
            pos += 1
            try skipTrivia()
            guard current != closing else { throw Unsupported() }  // a trailing comma
        }
    }

    /// A scalar inside a flow collection: plain (ended by `,` `]` `}` `:` or a space) or double-quoted.
    private mutating func flowScalar() throws(Unsupported) -> Scalar {
        if current == 0x22 { return try quoted() }
        guard let first = current, Self.isPlain(first), first != 0x2d else { throw Unsupported() }
        let start = pos
        while let c = current, Self.isPlain(c) { pos += 1 }
        switch current {
        case nil, 0x20, 0x0a, 0x2c, 0x5d, 0x7d: break
        case 0x3a where Self.endsToken(byte(at: pos + 1)): break
        default: throw Unsupported()
        }
        let text = Scalar(start: start, end: pos, plain: true)
        // A plain scalar goes on past spaces to the next indicator (`a b` is one scalar): not read here.
        var after = pos
        while byte(at: after) == 0x20 { after += 1 }
        if let next = byte(at: after), after > pos, Self.isPlain(next) || next == 0x22 { throw Unsupported() }
        return text
    }

    /// `"..."` on one line, with no escape: its text is the bytes between the quotes.
    private mutating func quoted() throws(Unsupported) -> Scalar {
        let start = pos + 1
        var end = start
        while let c = byte(at: end), c != 0x22 {
            guard c != 0x5c, c >= 0x20, c < 0x7f else { throw Unsupported() }  // printable ASCII: libyaml refuses DEL
            end += 1
        }
        guard end < bytes.count else { throw Unsupported() }
        pos = end + 1
        return Scalar(start: start, end: end, plain: false)
    }
}
