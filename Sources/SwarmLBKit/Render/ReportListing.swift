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
            for r in ingress {
                for remote in r.remoteReals ?? [] {
                    let through = remote.overlay.isEmpty ? "the namespace swarmlb runs in" : remote.overlay
                    out +=
                        "\(r.protocol)/\(r.port): real server \(remote.address) is on node \(remote.node)"
                        + " (through overlay \(through), \(remote.vni.map { "VNI \($0)" } ?? remote.device))\n"
                }
            }
        }
        for o in report.overlays ?? [] { out += "\n" + overlay(o) }
        if report.problems.isEmpty {
            out += "\nno problems found\n"
        } else {
            out += "\n\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") found:\n"
            for p in report.problems { out += "  \(p.message)\n" }
        }
        return out
    }

    /// An overlay network: the vxlan device's settings and MTUs, its bridge's endpoints, then its peers.
    static func overlay(_ o: OverlayNetwork) -> String {
        let flags = [o.proxy ? "proxy" : nil, o.l2miss ? "l2miss" : nil, o.l3miss ? "l3miss" : nil, o.learning ? "learning" : "nolearning"]
        var out = TextTable.render(
            ["OVERLAY", "VNI", "PORT", "FLAGS", "MTU", "BRIDGE", "BRIDGE MTU"],
            [
                [
                    o.device, o.vni.map(String.init) ?? "-", o.port.map(String.init) ?? "-", flags.compactMap { $0 }.joined(separator: ","),
                    o.mtu.map(String.init) ?? "-", o.bridge ?? "NONE", o.bridgeMTU.map(String.init) ?? "-",
                ]
            ])
        if !o.endpoints.isEmpty {
            out += TextTable.render(
                ["ENDPOINT", "MTU", "LEADS TO"],
                o.endpoints.map { e in
                    [e.device, e.mtu.map(String.init) ?? "-", e.namespace ?? e.netnsid.map { "netnsid \($0)" } ?? "(this namespace)"]
                })
        }
        out +=
            o.peers.isEmpty
            ? "no peers\n"
            : TextTable.render(
                ["PEER", "MAC", "VTEP"],
                o.peers.map { [$0.address?.description ?? "NONE", $0.mac.description, $0.vtep?.description ?? "NONE"] })
        return out
    }
}
