/// Left-aligned text columns separated by two spaces, with a header row; no line ends in spaces.
public enum TextTable {
    public static func render(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.utf8.count)
        for row in rows { for (i, cell) in row.enumerated() where cell.utf8.count > widths[i] { widths[i] = cell.utf8.count } }
        var out = TextBuffer(capacity: (rows.count + 1) * (widths.reduce(0, +) + 2 * widths.count + 1))
        for row in [header] + rows {
            // Cells after the last non-empty one are left out, so the line carries no padding at its end.
            let last = row.lastIndex { !$0.isEmpty } ?? -1
            for i in 0..<(last + 1) {
                if i > 0 { out.spaces(2) }
                if i == last { out.write(row[i]) } else { out.left(row[i], widths[i]) }
            }
            out.write(UInt8(ascii: "\n"))
        }
        return out.text
    }
}
