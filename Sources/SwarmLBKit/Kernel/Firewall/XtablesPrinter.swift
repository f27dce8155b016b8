import CXtables

/// iptables' own printers for the match and target extensions swarmlb does not decode: libxtables
/// finds the extension's plugin by name and revision and its `save` function prints the options,
/// exactly as `iptables -S` and `iptables-save` print them. The listing reads ask it while reading a
/// rule, so the rule value carries its text (`OpaqueExtension`) and the renderers need no kernel
/// code. The process-wide state this touches (libxtables' globals, the plugins it loads, C's `stdout`
/// for the length of a call) is described on swlb_xt_save in the CXtables module.
enum XtablesPrinter {
    /// `body` given ` -m NAME OPTIONS` (` -j NAME OPTIONS` for a target) for the x_tables record at
    /// `record` (header then payload, as an entry holds it) of a rule whose `ipt_ip` is at `ip`, as the
    /// bytes the plugin wrote, or nil when no plugin prints that extension at that revision. The bytes
    /// are valid only inside `body`.
    static func withText<R>(record: UnsafeRawPointer, ip: UnsafeRawPointer, target: Bool, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        // Most texts fit the stack buffer; a longer one is printed again into one of its length.
        var capacity = 512
        while true {
            let result: R? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
                let length = swlb_xt_save(ip, record, target ? 1 : 0, buffer.baseAddress, capacity)
                if length < 0 { return body(nil) }
                guard length <= capacity else {
                    capacity = length
                    return nil
                }
                return body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: length))
            }
            if let result { return result }
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
                guard case .opaque(let x) = rule.matches[i] else { continue }
                rule.matches[i] = .opaque(printed(x, ip: ip, target: false))
            }
            if case .opaque(let x) = rule.target {
                rule.target = .opaque(printed(x, ip: ip, target: true))
            }
        }
    }

    private static func printed(_ x: OpaqueExtension, ip: UnsafeRawPointer, target: Bool) -> OpaqueExtension {
        x.withData { data in
            RuleCodec.withRecord(name: x.name, revision: x.revision, payload: data, target: target) {
                withText(record: $0, ip: ip, target: target) { x.printed($0) }
            }
        }
    }
}
