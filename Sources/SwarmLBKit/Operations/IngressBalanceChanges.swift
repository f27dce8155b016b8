/// The requests of `ingress unbalance` (`ingress balance` is `ChangeRequest.balanceIngress`).
extension IngressBalance {
    /// What `ingress unbalance` removes: the port mark; the VIP, its mark and the FWM service once no
    /// other port carries the mark (the VIP /32 kept while another mark targets it, as `service del`);
    /// the SNAT rule once no port mark is left. `mangle` is the table as it is.
    public func deleteRequests(mangle: IPTablesDump) -> [ChangeRequest] {
        let others = MarkRule.all(in: mangle).filter { r in
            if case .port = r.selector { return r != portMark } else { return false }
        }
        var requests: [ChangeRequest] = [.change(portMark.deleteChange)]
        if !others.contains(where: { $0.mark == service.mark }) { requests += service.deleteRequests }
        if others.isEmpty, let snat = service.snat { requests.append(.change(snat.deleteChange)) }
        return requests
    }
}
