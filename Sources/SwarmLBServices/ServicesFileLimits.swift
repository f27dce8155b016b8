/// The bounds within which a services file is read, as knot and unbound bound a zone or a
/// config: any file beyond one is refused with one line naming the file, the line and the limit,
/// before its reading takes unbounded time, memory or stack.
public enum ServicesFileLimits {
    /// The largest file read, in bytes (a file of 100,000 services takes a small part of it).
    public static let bytes = 256 << 20
    /// The deepest nesting of sequences and mappings (a services file needs 5).
    public static let depth = 64
    /// The most nodes a file may stand for once each alias is counted as the node it names.
    public static let nodes = 1 << 24

    /// The limits and the number rule as the help of each option that takes a services file says them.
    public static let summary =
        "A regular file of at most \(bytes >> 20) MiB, \(depth) levels deep, \(nodes) nodes with aliases expanded; marks and weights in decimal or 0x hex."
}
