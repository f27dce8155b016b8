import Glibc

extension NetNamespace {
    /// The namespaces `--all` reads, each with its heading: the one swarmlb runs in first (the host,
    /// path nil), unless it is also listed; then every one under /run/docker/netns and /run/netns,
    /// a namespace reachable under several names (same st_dev and st_ino) once, its heading naming them all;
    /// and apart, the files there that are no longer mounted namespaces (`NetNamespace.isMounted`).
    public static func all() -> (listed: [(String, String?)], unmounted: [String]) {
        let paths = [dockerDirectory, iprouteDirectory].flatMap { dir -> [String] in
            guard let d = opendir(dir) else { return [] }
            defer { closedir(d) }
            var names: [String] = []
            while let entry = readdir(d) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." && name != "default" { names.append(name) }
            }
            return names.sorted().map { "\(dir)/\($0)" }
        }
        var order: [String] = []
        var aliases: [String: [String]] = [:]
        var firstByIdentity: [String: String] = [:]
        var unmounted: [String] = []
        for p in paths {
            guard isMounted(p) else {
                unmounted.append(p)
                continue
            }
            var st = stat()
            let identity = stat(p, &st) == 0 ? "\(st.st_dev):\(st.st_ino)" : p
            if let first = firstByIdentity[identity] {
                aliases[first, default: []].append(p)
            } else {
                firstByIdentity[identity] = p
                order.append(p)
            }
        }
        let listed: [(String, String?)] = order.map { p in (([p] + (aliases[p] ?? [])).joined(separator: " = "), p) }
        var st = stat()
        let own = stat("/proc/self/ns/net", &st) == 0 ? "\(st.st_dev):\(st.st_ino)" : ""
        return (firstByIdentity[own] == nil ? [("the namespace swarmlb runs in", nil)] + listed : listed, unmounted)
    }
}
