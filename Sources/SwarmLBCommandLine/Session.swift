import ArgumentParser
import FoundationEssentials
import Glibc
import SwarmLBKit

/// One command's run: enters the namespace (on the main thread, before any socket), opens the
/// kernel interfaces, applies change lists as transactions, and prints results as text or JSON.
public struct Session {
    /// Whether results are printed as JSON (--json).
    public let json: Bool
    public let kernel: Kernel
    /// The namespace entered with --netns; nil when swarmlb stayed in its own.
    public let namespace: NetNamespace?

    /// Enters `--netns` if given. Call after every argument has been validated.
    public init(_ options: CommonOptions) throws {
        try self.init(netns: options.netns, json: options.json, backend: options.backendChoice(), wait: options.wait)
    }

    /// The same from the options' values (a command line read without the parser: `apply`'s).
    public init(netns: NamespaceTarget?, json: Bool, backend: FirewallSelection.Choice, wait: Double?) throws {
        self.json = json
        namespace = try netns.map { try NetNamespace($0) }
        try namespace?.enter()
        kernel = Self.kernel(backend, wait: wait)
    }

    /// The kernel interfaces of the namespace the thread is in, with this backend and lock wait.
    public static func kernel(_ backend: FirewallSelection.Choice, wait: Double?) -> Kernel {
        Kernel(firewall: backend, lockWait: wait, notice: CommandRunner.warn)
    }

    /// Applies (or with --dry-run, plans) the requests and prints what was done.
    /// A request made twice (`real add 0x101 10.0.0.3 10.0.0.3`) is planned and printed once.
    public func apply(_ requests: [ChangeRequest], _ change: ChangeOptions, ifExists: Bool = false) throws {
        let report = try Transaction(kernel: kernel).run(requests, ifExists: ifExists, dryRun: change.dryRun)
        try printReport(report, dryRun: change.dryRun)
    }

    /// Exactly these changes, each made only if needed.
    public func apply(_ changes: [KernelChange], _ change: ChangeOptions, ifExists: Bool = false) throws {
        try apply(changes.map(ChangeRequest.change), change, ifExists: ifExists)
    }

    /// Prints what a transaction did (or would do), in step order so that --dry-run output reads
    /// as the script it stands for; or the JSON change report.
    public func printReport(_ report: Transaction.Report, dryRun: Bool) throws {
        if json { return try printJSON(JSONViews.ChangeReport(report, dryRun: dryRun)) }
        var out = TextBuffer()
        for line in report.scriptLines {
            out.write(line)
            out.write(UInt8(ascii: "\n"))
        }
        try Self.write(out)
    }

    /// Writes the text to standard output after what `print` buffered; not through `print`, whose
    /// first dynamic cast of its argument walks every protocol conformance of the executable (a
    /// fifth of a small apply's start under emulation).
    public static func write(_ text: TextBuffer) throws(KernelError) {
        fflush(nil)
        let failure: Int32? = text.withBytes { all in
            var done = 0
            while done < all.count {
                let n = Glibc.write(1, all.baseAddress! + done, all.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return n < 0 ? errno : EIO }
                done += n
            }
            return nil
        }
        if let failure { throw .syscall(call: "write", object: "standard output", errno: failure) }
    }

    /// The JSON encoder of every --json output: snake_case keys, sorted, pretty.
    public static var jsonEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public func printJSON(_ value: some Encodable) throws {
        print(String(decoding: try Self.jsonEncoder.encode(value), as: UTF8.self))
    }

    public func printTable(_ header: [String], _ rows: [[String]]) {
        print(TextTable.render(header, rows), terminator: "")
    }
}
