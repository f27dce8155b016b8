import ArgumentParser
import Glibc
import SwarmLBKit

/// `swarmlb inspect [services]` (with `--expect`, the services file already read): reads each
/// namespace asked for, reports it (with `--all`, headed by its name and role),
/// and exits 3 when any problem is found, 1 when a namespace of `--all` could not be read.
public enum NamespaceInspection {
    public static func run(_ common: CommonOptions, all: Bool, expected: NetworkServices? = nil) throws {
        var reports: [LoadBalancerReport] = []
        var facts: [Inspector.Facts] = []
        var headings: [String] = []
        var failures: [String] = []
        let choice = try common.backendChoice()
        let (listed, unmounted) = all ? namespaces() : ([(common.netns?.description ?? "current namespace", nil)], [])
        // The node's own view, read before any namespace is entered: its addresses tell which tasks
        // of --expect run here; its routes and MTUs (--all) the way to the other nodes.
        let host = all || expected != nil ? try? Inspector.underlay(kernel: Session.kernel(choice, wait: common.wait)) : nil
        for path in unmounted {
            CommandRunner.warn(
                "note: skipped \(path): an unmounted namespace file"
                    + " (Docker deletes a removed sandbox's at its next clean-up, within about two minutes)")
        }
        for (name, path) in listed {
            do {
                let kernel: Kernel
                let namespace: String?
                if let path {
                    try NetNamespace(.path(path)).enter()
                    kernel = Session.kernel(choice, wait: common.wait)
                    namespace = path
                } else {
                    let session = try Session(common)
                    kernel = session.kernel
                    namespace = session.namespace?.path
                }
                let f = try Inspector(kernel: kernel).facts()
                facts.append(f)
                reports.append(Inspector.report(namespace: namespace, f, expected: expected, localNode: host?.addresses ?? []))
                headings.append(name)
            } catch  where all {
                failures.append("\(name): \(error)")
            }
        }
        if all, let host {
            for i in reports.indices { for o in reports[i].overlays ?? [] { reports[i].problems += OverlayCheck.underlay(o, host: host) } }
        }
        IngressTracer.trace(&reports, facts, complete: all)
        Inspector.noteIdleTimeouts(&reports)
        if common.json {
            let value: any Encodable = all ? reports : reports[0]
            print(String(decoding: try Session.jsonEncoder.encode(value), as: UTF8.self))
        } else {
            for (heading, report) in zip(headings, reports) {
                print((all ? "== \(heading) (\(report.role.rawValue))\n" : "") + ReportListing.text(report), terminator: all ? "\n" : "")
            }
        }
        for f in failures { CommandRunner.warn(f) }
        if !failures.isEmpty { throw ExitCode.failure }
        if reports.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(3) }
    }

    /// The namespaces `--all` reads, each with its heading: the one swarmlb runs in first (the host,
    /// path nil), unless it is also listed; then every one under /run/docker/netns and /run/netns,
    /// a namespace reachable under several names (same st_dev and st_ino) once, its heading naming them all;
    /// and apart, the files there that are no longer mounted namespaces (`NetNamespace.isMounted`).
    static func namespaces() -> (listed: [(String, String?)], unmounted: [String]) {
        let paths = [NetNamespace.dockerDirectory, NetNamespace.iprouteDirectory].flatMap { dir -> [String] in
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
            guard NetNamespace.isMounted(p) else {
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
