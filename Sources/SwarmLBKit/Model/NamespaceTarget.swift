/// A network namespace as the operator names it with `-n`/`--netns`: a name (looked up under
/// /run/docker/netns, then /run/netns, as `ip netns exec NAME` finds it), a path
/// (`/proc/123/ns/net`), or `pid:N`. Parsed with the command line, so a malformed one is a usage
/// error before any namespace is entered; `NetNamespace` resolves it to the file `nsenter --net=` opens.
public enum NamespaceTarget: Hashable, Sendable, CustomStringConvertible {
    case name(String)
    case path(String)
    case pid(Int32)

    public init(parsing text: String) throws(ValidationError) {
        if text.isEmpty { throw ValidationError(text, "network namespace (a name, a path or pid:N)") }
        if text.hasPrefix("pid:") {
            let pid = text.dropFirst(4)
            guard pid.allSatisfy(\.isASCII), let n = Int32(pid), n > 0 else {
                throw ValidationError(text, "network namespace (pid:N takes a process id, 1 or more)")
            }
            self = .pid(n)
        } else {
            self = text.contains("/") ? .path(text) : .name(text)
        }
    }

    /// As `-n` takes it again: the name, the path, or `pid:N`.
    public var description: String {
        switch self {
        case .name(let name): name
        case .path(let path): path
        case .pid(let pid): "pid:\(pid)"
        }
    }
}
