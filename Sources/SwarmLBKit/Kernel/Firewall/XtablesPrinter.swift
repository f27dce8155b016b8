import CXtables

/// iptables' own printers for the match and target extensions swarmlb does not decode: libxtables
/// finds the extension's plugin by name and revision and its `save` function prints the options,
/// exactly as `iptables -S` and `iptables-save` print them. The listing reads ask it while reading a
/// rule, so the rule value carries its text (`IPTablesRule.PrintedText`) and the renderers need no kernel
/// code. The process-wide state this touches (libxtables' globals, the plugins it loads, C's `stdout`
/// for the length of a call) is described on swlb_xt_save in the CXtables module.
enum XtablesPrinter {
    /// ` -m NAME OPTIONS` (` -j NAME OPTIONS` for a target) for the x_tables record at `record`
    /// (header then payload, as an entry holds it) of a rule whose `ipt_ip` is at `ip`, as the bytes the
    /// plugin wrote; nil when no plugin prints that extension at that revision.
    static func text(record: UnsafeRawPointer, ip: UnsafeRawPointer, target: Bool) -> [UInt8]? {
        // Most texts fit the stack buffer; a longer one is printed again into one of its length.
        var capacity = 512
        while true {
            let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer -> (Int, [UInt8]?) in
                let length = swlb_xt_save(ip, record, target ? 1 : 0, buffer.baseAddress, capacity)
                guard length >= 0, length <= capacity else { return (length, nil) }
                return (length, Array(UnsafeRawBufferPointer(start: buffer.baseAddress, count: length)))
            }
            if text.0 < 0 { return nil }
            if let bytes = text.1 { return bytes }
            capacity = text.0
        }
    }

    /// `rule` with each opaque match and target given its printed text, for a rule read from
    /// nf_tables, whose compat expressions carry no record header: the IP part is encoded once per
    /// rule and each record is built on the stack.
    static func spell(_ rule: inout IPTablesRule) {
        let opaqueTarget = if case .opaque = rule.target { true } else { false }
        guard opaqueTarget || rule.matches.contains(where: { if case .opaque = $0 { true } else { false } }) else { return }
        RuleCodec.withIPPart(rule) { ip in
            for i in rule.matches.indices {
                guard case let .opaque(name, revision, data, _) = rule.matches[i] else { continue }
                let text = RuleCodec.withRecord(name: name, revision: revision, payload: data, target: false) {
                    Self.text(record: $0, ip: ip, target: false)
                }
                rule.matches[i] = .opaque(name: name, revision: revision, data: data, printed: .init(text))
            }
            if case let .opaque(name, revision, data, _) = rule.target {
                let text = RuleCodec.withRecord(name: name, revision: revision, payload: data, target: true) {
                    Self.text(record: $0, ip: ip, target: true)
                }
                rule.target = .opaque(name: name, revision: revision, data: data, printed: .init(text))
            }
        }
    }
}
