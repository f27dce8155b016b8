import ArgumentParser
import Glibc
import SwarmLBCommandLine
import SwarmLBKit

/// `swarmlb inspect [services]` (with `--expect`, the services file already read): reads each
/// namespace asked for, reports it (with `--all`, headed by its name and role),
/// and exits 3 when any problem is found, 1 when a namespace of `--all` could not be read.
enum NamespaceInspection {
    static func run(_ common: CommonOptions, all: Bool, expected: NetworkServices? = nil) throws {
        var reports: [LoadBalancerReport] = []
        var facts: [Inspector.Facts] = []
        var headings: [String] = []
        var failures: [String] = []
        let choice = try common.backendChoice()
        let (listed, unmounted) = all ? NetNamespace.all() : ([(common.netns?.description ?? "current namespace", nil)], [])
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
}
