import Glibc

/// Applies a list of kernel changes as one transaction: every step is first checked against the
/// current state (so adds are idempotent and absent deletes are found before anything changes),
/// then performed in order, consecutive rule changes to one table in one firewall commit; if a
/// step fails, or SIGINT/SIGTERM arrives, the steps already done are undone in reverse.
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

        public var change: KernelChange {
            switch self {
            case .perform(let c, _), .alreadyDone(let c), .absent(let c): return c
            }
        }
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
    }

    public enum Failure: Error, CustomStringConvertible {
        /// Removals (or, `removal` false, edits) of things that are not there, without --if-exists; nothing was changed.
        case absent([String], removal: Bool = true)
        /// A step (its command) failed; the earlier steps were rolled back, or not, as listed in `rollbackFailures`
        /// (nil when it was the first step: nothing to roll back).
        case stepFailed(String, KernelError, rollbackFailures: [String]?)
        /// SIGINT/SIGTERM arrived; the steps done were rolled back, or not, as listed.
        case interrupted(signal: Int32, rollbackFailures: [String])

        public var description: String {
            switch self {
            case let .absent(what, removal):
                return removal ? "nothing to delete: " + what.joined(separator: "; ") + " (use --if-exists to accept)"
                               : "nothing to change: " + what.joined(separator: "; ")
            case let .stepFailed(command, error, failures):
                return "\(error) [while: \(command)]" + (failures.map(Self.rollback) ?? "")
            case let .interrupted(signal, failures):
                return "\(KernelError.interrupted(signal: signal))" + Self.rollback(failures)
            }
        }

        private static func rollback(_ failures: [String]) -> String {
            failures.isEmpty ? "; earlier steps rolled back, namespace unchanged" : "; ROLLBACK INCOMPLETE: " + failures.joined(separator: "; ")
        }

        /// The exit status: 128 + the signal for an interruption, as a shell reports it; else 1.
        public var exitStatus: Int32 {
            if case .interrupted(let signal, _) = self { return 128 + signal }
            return 1
        }
    }

    let kernel: Kernel

    public init(kernel: Kernel) { self.kernel = kernel }

    /// Compares every change with the kernel's state; changes nothing (this is --dry-run).
    /// Throws `Failure.absent` when a removal finds nothing and `ifExists` is false.
    public func plan(_ changes: [KernelChange], ifExists: Bool) throws -> Report {
        let iptables = changes.contains { $0.firewallEdit != nil } ? try kernel.firewallForWriting().kind.tool : "iptables"
        var planner = StatePlanner(kernel: kernel)
        var decisions: [Decision] = []
        for c in changes { decisions.append(try planner.decide(c)) }
        let report = Report(decisions: decisions, iptables: iptables)
        if !ifExists, !report.absent.isEmpty {
            throw Failure.absent(report.absent.map { StatePlanner.absenceText($0, iptables: iptables) },
                                 removal: report.absent.contains { !$0.isEdit })
        }
        return report
    }

    /// Plans, then performs the needed steps; rolls back on failure or interruption.
    /// Throws `Failure.absent` before changing anything when a removal finds nothing and `ifExists` is false.
    public func apply(_ changes: [KernelChange], ifExists: Bool) throws -> Report {
        try execute(writesFirewall: changes.contains { $0.firewallEdit != nil }) { try plan(changes, ifExists: ifExists) }
    }

    /// Makes the namespace hold what `intent` says, changing only what differs, in one read of the
    /// namespace and one commit per firewall table (`swarmlb apply`); `dryRun` plans only. `prune`
    /// also removes what apply owns (see `Reconciler`) and the intent does not name.
    public func reconcile(_ intent: LoadBalancerIntent, prune: Bool, dryRun: Bool) throws -> Report {
        let reconciler = Reconciler(intent: intent, prune: prune)
        let plan = { () throws -> Report in
            Report(decisions: reconciler.plan(try NamespaceSnapshot(kernel)), iptables: try kernel.firewallForWriting().kind.tool)
        }
        return dryRun ? try plan() : try execute(writesFirewall: true, plan)
    }

    /// Takes the firewall's write lock (legacy), plans under it, then performs the plan's steps.
    private func execute(writesFirewall: Bool, _ plan: () throws -> Report) throws -> Report {
        let signals = SignalSet([SIGINT, SIGTERM])
        defer { signals.restore() }
        let firewall = writesFirewall ? try kernel.firewallForWriting() : nil
        do throws(KernelError) { try firewall?.takeWriteLock() } catch {
            if case .interrupted = error, let signal = signals.pending() { throw Failure.interrupted(signal: signal, rollbackFailures: []) }
            throw error
        }
        defer { firewall?.releaseWriteLock() }
        let report = try plan()
        let executor = ChangeExecutor(kernel: kernel)
        var done: [[KernelChange]] = []  // the undo lists of the steps performed, in order
        for step in Self.steps(report.decisions) {
            if let signal = signals.pending() {
                throw Failure.interrupted(signal: signal, rollbackFailures: rollBack(done, executor, report))
            }
            do throws(KernelError) {
                try executor.run(step.changes)
                done += step.undos
            } catch {
                throw Failure.stepFailed(step.changes.map(report.command).joined(separator: "; "), error,
                                         rollbackFailures: done.isEmpty ? nil : rollBack(done, executor, report))
            }
        }
        if let signal = signals.pending() {
            throw Failure.interrupted(signal: signal, rollbackFailures: rollBack(done, executor, report))
        }
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

    /// Undoes the performed steps in reverse, rule undos to one table again in one commit each;
    /// returns what could not be undone.
    private func rollBack(_ done: [[KernelChange]], _ executor: ChangeExecutor, _ report: Report) -> [String] {
        var failures: [String] = []
        let changes = done.reversed().flatMap { $0 }
        for step in Self.steps(changes.map { .perform($0, undo: []) }) {
            do throws(KernelError) { try executor.run(step.changes) } catch {
                failures.append("\(step.changes.map(report.command).joined(separator: "; ")): \(error)")
            }
        }
        return failures
    }
}
