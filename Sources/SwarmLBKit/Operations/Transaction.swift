import Glibc

/// Applies a list of kernel changes as one transaction: every step is first checked against the
/// current state (so adds are idempotent and absent deletes are found before anything changes),
/// then performed in order, consecutive rule changes to one table in one firewall commit; if a
/// step fails, or SIGINT/SIGTERM arrives, the steps already done are undone in reverse. Once the
/// last step is made and no signal is pending, the change is committed: from then on SIGINT and
/// SIGTERM stay blocked in the calling thread, so they no longer change the command's exit status.
/// Legacy iptables' xtables lock is held from before planning to the last step.
public struct Transaction {
    /// A step after comparing it with the kernel's state.
    public enum Decision: Sendable {
        /// The change is needed; `perform` is what will run (an add may become an update),
        /// `undo` restores the state before it.
        case perform(KernelChange, undo: [KernelChange])
        /// Already in the requested state.
        case alreadyDone(KernelChange)
        /// A removal of something that is not there.
        case absent(KernelChange)
        /// A removal not made because something else still uses the object (`reason` says what).
        case kept(KernelChange, reason: String)
        /// A removal whose object is not there as given (the text says what did not match): nothing removed.
        case notFound(String)
    }

    /// What a transaction did, or would do under --dry-run.
    public struct Report: Sendable {
        public var decisions: [Decision]
        /// The tool rule changes are spelled with: the backend's (`iptables-nft`, `iptables-legacy`).
        public var iptables: String

        public init(decisions: [Decision], iptables: String) {
            self.decisions = decisions
            self.iptables = iptables
        }

        public func command(_ change: KernelChange) -> String { change.command(iptables: iptables) }

        public var performed: [KernelChange] {
            decisions.compactMap { if case .perform(let c, _) = $0 { return c } else { return nil } }
        }
        public var unchanged: [KernelChange] {
            decisions.compactMap { if case .alreadyDone(let c) = $0 { return c } else { return nil } }
        }
        public var absent: [KernelChange] {
            decisions.compactMap { if case .absent(let c) = $0 { return c } else { return nil } }
        }
        /// Removals not made, each with why: `ip addr del 10.0.0.2/32 dev eth0 (10.0.0.2 is still marked 0x102 in mangle OUTPUT)`.
        public var kept: [String] {
            decisions.compactMap { if case let .kept(c, reason) = $0 { return "\(command(c)) (\(reason))" } else { return nil } }
        }
        /// What removals looked for and did not find as given.
        public var notFound: [String] {
            decisions.compactMap { if case .notFound(let what) = $0 { return what } else { return nil } }
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        /// Removals (or, `removal` false, edits) of things that are not there, without --if-exists; nothing was changed.
        case absent([String], removal: Bool = true)
        /// A step (its command) failed; the earlier steps were rolled back, or not, as listed in `rollbackFailures`
        /// (nil when it was the first step: nothing to roll back).
        case stepFailed(String, KernelError, rollbackFailures: [String]?)
        /// SIGINT/SIGTERM arrived; the steps done were rolled back, or not, as listed.
        case interrupted(signal: Int32, rollbackFailures: [String])
        /// The request contradicts the namespace (a second mark for one VIP); nothing was changed.
        case refused(String)

        public var description: String {
            switch self {
            case let .absent(what, removal):
                return removal
                    ? "nothing to delete: " + what.joined(separator: "; ") + " (use --if-exists to accept)"
                    : "nothing to change: " + what.joined(separator: "; ")
            case let .stepFailed(command, error, failures):
                return "\(error) [while: \(command)]" + (failures.map(Self.rollback) ?? "")
            case let .interrupted(signal, failures):
                return "\(KernelError.interrupted(signal: signal))" + Self.rollback(failures)
            case .refused(let why):
                return why + "; nothing changed"
            }
        }

        private static func rollback(_ failures: [String]) -> String {
            failures.isEmpty
                ? "; earlier steps rolled back, namespace unchanged" : "; ROLLBACK INCOMPLETE: " + failures.joined(separator: "; ")
        }

        /// The exit status: 128 + the signal for an interruption, as a shell reports it; else 1.
        public var exitStatus: Int32 {
            if case .interrupted(let signal, _) = self { return 128 + signal }
            return 1
        }
    }

    let kernel: Kernel
    let state: KernelNamespaceState

    /// `state`: the namespace as this transaction reads it, maybe already partly read (the
    /// addresses `apply`'s intent was made from); a fresh one when nil.
    public init(kernel: Kernel, state: KernelNamespaceState? = nil) {
        self.kernel = kernel
        self.state = state ?? KernelNamespaceState(kernel)
    }

    /// Makes the namespace hold what the requests ask, changing only what differs: reads the
    /// namespace (under legacy's write lock when the firewall is involved, so no other writer
    /// changes the tables between the read and the commit), plans, then performs the plan's steps,
    /// rolling back on failure or interruption; `dryRun` plans only. A request made twice is planned
    /// once. Throws `Failure.absent` before changing anything when a removal finds nothing and
    /// `ifExists` is false, `Failure.refused` when a request contradicts the namespace.
    public func run(_ requests: [ChangeRequest], ifExists: Bool = false, dryRun: Bool = false) throws -> Report {
        var seen = Set<ChangeRequest>()
        let requests = requests.count < 2 ? requests : requests.filter { seen.insert($0).inserted }  // apply's one intent: not hashed
        let plan = { () throws -> Report in
            for case .reconcile(let intent, let prune) in requests {
                try Reconciler(intent: intent, scope: .file(prune: prune)).read(state)
                PhaseTimings.mark("read the namespace")
            }
            let report = try Self.plan(requests, in: state, ifExists: ifExists)
            PhaseTimings.mark("plan")
            return report
        }
        return dryRun ? try plan() : try execute(writesFirewall: Self.writesFirewall(requests), plan)
    }

    /// The decisions of every request against the namespace's state; changes nothing (this is
    /// --dry-run's plan). Throws as `run`.
    static func plan(_ requests: [ChangeRequest], in state: any NamespaceState, ifExists: Bool) throws -> Report {
        let planner = StatePlanner(state: state)
        var decisions: [Decision] = []
        for r in requests { decisions += try planner.decide(r) }
        let iptables = Self.writesFirewall(requests) ? try state.iptables() : "iptables"
        let report = Report(decisions: decisions, iptables: iptables)
        if !ifExists, !report.absent.isEmpty || !report.notFound.isEmpty {
            throw Failure.absent(
                report.absent.map { StatePlanner.absenceText($0, iptables: iptables) } + report.notFound,
                removal: !report.notFound.isEmpty || report.absent.contains { !$0.isEdit })
        }
        return report
    }

    /// Whether planning these requests reads the firewall (so legacy's lock is taken first).
    private static func writesFirewall(_ requests: [ChangeRequest]) -> Bool {
        requests.contains {
            switch $0 {
            case .change(let c): c.firewallEdit != nil
            case .service, .real, .overlayPeers: false
            default: true
            }
        }
    }

    /// Takes the firewall's write lock (legacy), plans under it, then performs the plan's steps.
    private func execute(writesFirewall: Bool, _ plan: () throws -> Report) throws -> Report {
        let signals = SignalSet([SIGINT, SIGTERM])
        var committed = false
        defer { if !committed { signals.restore() } }
        let firewall = writesFirewall ? try kernel.firewallForWriting() : nil
        do throws(KernelError) { try firewall?.takeWriteLock() } catch {
            if case .interrupted = error, let signal = signals.pending() { throw Failure.interrupted(signal: signal, rollbackFailures: []) }
            throw error
        }
        defer { firewall?.releaseWriteLock() }
        let report = try plan()
        let executor = ChangeExecutor(kernel: kernel)
        let steps = Self.steps(report.decisions)
        var done: [[KernelChange]] = []  // the undo lists of the steps performed, in order
        var signal: Int32?
        let outcome = executor.perform(steps.map(\.changes), made: { done += steps[$0].undos }) {
            signal = signals.pending()
            return signal != nil
        }
        if let (step, error) = outcome.failures.first {
            let more = outcome.failures.count > 1 ? " (\(outcome.failures.count - 1) more changes sent with it failed too)" : ""
            throw Failure.stepFailed(
                steps[step].changes.map(report.command).joined(separator: "; ") + more, error,
                rollbackFailures: done.isEmpty ? nil : rollBack(done, executor, report))
        }
        if let signal = signal ?? signals.pending() {
            throw Failure.interrupted(signal: signal, rollbackFailures: rollBack(done, executor, report))
        }
        // The commit point: the change stands, so SIGINT/SIGTERM stay blocked while the command reports
        // it, and a late one dies with the process instead of making the exit status say "rolled back".
        committed = true
        return report
    }

    /// The performed decisions cut into steps: a run of rule changes to one table, or one other change.
    private static func steps(_ decisions: [Decision]) -> [(changes: [KernelChange], undos: [[KernelChange]])] {
        var steps: [(changes: [KernelChange], undos: [[KernelChange]])] = []
        for case let .perform(change, undo) in decisions {
            if let table = change.firewallEdit?.table, let last = steps.last, last.changes.last?.firewallEdit?.table == table {
                steps[steps.count - 1].changes.append(change)
                steps[steps.count - 1].undos.append(undo)
            } else {
                steps.append(([change], [undo]))
            }
        }
        return steps
    }

    /// Undoes the performed steps in reverse, rule undos to one table again in one commit each, IPVS
    /// and address undos pipelined; returns what could not be undone.
    private func rollBack(_ done: [[KernelChange]], _ executor: ChangeExecutor, _ report: Report) -> [String] {
        let steps = Self.steps(done.reversed().flatMap { $0 }.map { .perform($0, undo: []) }).map(\.changes)
        return executor.perform(steps, keepGoing: true).failures.map { step, error in
            "\(steps[step].map(report.command).joined(separator: "; ")): \(error)"
        }
    }
}
