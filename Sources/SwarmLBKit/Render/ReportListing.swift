/// Prints a `LoadBalancerReport` as text: one row per firewall mark (continuation rows for
/// further mark rules and real servers), the published ports followed to their sandbox, then the
/// problems, one line each. With `inspect --expect`, a SERVICE column names each mark's service.
public enum ReportListing {
    public static func text(_ report: LoadBalancerReport) -> String {
        var rows: [[String]] = []
        let labelled = report.services.contains { $0.service != nil }
        for s in report.services {
            let lines = max(s.markedIn.count, s.reals.count, 1)
            for i in 0..<lines {
                var row = [i == 0 ? "\(s.markHex) (\(s.mark))" : ""]
                if labelled { row.append(i == 0 ? s.service ?? "-" : "") }
                if i < s.markedIn.count {
                    let m = s.markedIn[i]
                    row += [m.chain, m.vip ?? "\(m.protocol ?? "")/\(m.port ?? 0)", m.vip == nil ? "-" : (m.device ?? "NO")]
                } else {
                    row += i == 0 ? ["(no mark rule)", "", ""] : ["", "", ""]
                }
                row.append(i == 0 ? (s.scheduler ?? "(no IPVS service)") : "")
                if i < s.reals.count {
                    let r = s.reals[i]
                    row += [
                        "\(r.address):\(r.port)", ForwardingMethod(rawValue: r.forward)?.ipvsadmName ?? r.forward, String(r.weight),
                        String(r.activeConnections), String(r.inactiveConnections),
                        r.snat.map { "\($0.subnet) -> \($0.toSource)" } ?? "none",
                    ]
                } else {
                    row += ["", "", "", "", "", ""]
                }
                rows.append(row)
            }
        }
        var out = report.notes.map { "note: \($0)\n" }.joined()
        out +=
            report.services.isEmpty
            ? "no firewall-mark services\n"
            : TextTable.render(
                ["MARK"] + (labelled ? ["SERVICE"] : []) + [
                    "SET IN", "VIP/PORT", "ASSIGNED", "SCHED", "REAL", "FORWARD", "WEIGHT", "ACTIVE",
                    "INACTIVE", "SNAT",
                ], rows)
        if let ingress = report.ingress {
            let rows = ingress.map { r in
                [
                    "\(r.protocol)/\(r.port)", "\(r.destination):\(r.port)", r.sandbox.map { $0.isEmpty ? "(this one)" : $0 } ?? "NONE",
                    r.markHex.map { "\($0) (\(r.mark ?? 0))" } ?? "NONE", r.scheduler ?? "NONE",
                    r.reals.isEmpty ? "-" : r.reals.joined(separator: " "),
                ]
            }
            out += "\n" + TextTable.render(["PUBLISHED", "DNAT TO", "SANDBOX", "PORT MARK", "SCHED", "REALS"], rows)
        }
        if report.problems.isEmpty {
            out += "\nno problems found\n"
        } else {
            out += "\n\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") found:\n"
            for p in report.problems { out += "  \(p.message)\n" }
        }
        return out
    }
}
