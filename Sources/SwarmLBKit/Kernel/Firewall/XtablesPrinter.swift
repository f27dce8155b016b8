import CXtables
import Glibc

/// iptables' own printers for the match and target extensions swarmlb does not decode: libxtables
/// finds the extension's plugin by name and revision and its `save` function prints the options,
/// exactly as `iptables -S` and `iptables-save` print them. The process-wide state this touches
/// (libxtables' globals, the plugins it loads, C's `stdout` for the length of a call) is described on
/// swlb_xt_save in the CXtables module.
enum XtablesPrinter {
    /// ` -m NAME OPTIONS` for a match record in a rule whose IP part is `ip`; nil when no plugin
    /// prints that extension at that revision.
    static func match(_ x: XTExtension, ip: [UInt8]) -> String? {
        save(RuleCodec.matchRecord(x), ip: ip, target: false)
    }

    /// ` -j NAME OPTIONS` for a target record; nil when no plugin prints it.
    static func target(_ x: XTExtension, ip: [UInt8]) -> String? {
        save(RuleCodec.targetRecord(x), ip: ip, target: true)
    }

    private static func save(_ record: [UInt8], ip: [UInt8], target: Bool) -> String? {
        let text = ip.withUnsafeBytes { i in record.withUnsafeBytes { swlb_xt_save(i.baseAddress, $0.baseAddress, target ? 1 : 0) } }
        guard let text else { return nil }
        defer { free(text) }
        return String(cString: text)
    }
}
