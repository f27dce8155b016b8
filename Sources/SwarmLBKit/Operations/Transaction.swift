/// Applies a list of kernel changes as one transaction: every step is first checked against the
/// current state (so adds are idempotent and absent deletes are found before anything changes),
/// then performed in order; if a step fails, the steps already done are undone in reverse.
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
    }

    /// What a transaction did, or would do under --dry-run.
    public struct Report: Sendable {
        public var decisions: [Decision]
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
        /// Removals of things that are not there, without --if-exists; nothing was changed.
        case absent([KernelChange])
        /// A step failed; the earlier steps were rolled back (or not, listed in `rollbackFailures`).
        case stepFailed(KernelChange, KernelError, rollbackFailures: [String])

        public var description: String {
            switch self {
            case .absent(let changes):
                return "nothing to delete: " + changes.map { StatePlanner.absenceText($0) }.joined(separator: "; ")
                    + " (use --if-exists to accept)"
            case let .stepFailed(change, error, failures):
                var s = "\(error) [while: \(change.command)]"
                s += failures.isEmpty ? "; earlier steps rolled back, namespace unchanged"
                                      : "; ROLLBACK INCOMPLETE: " + failures.joined(separator: "; ")
                return s
            }
        }
    }

    let kernel: Kernel

    public init(kernel: Kernel) { self.kernel = kernel }

    /// Compares every change with the kernel's state; changes nothing (this is --dry-run).
    /// Throws `Failure.absent` when a removal finds nothing and `ifExists` is false.
    public func plan(_ changes: [KernelChange], ifExists: Bool) throws -> Report {
        let planner = StatePlanner(kernel: kernel)
        var decisions: [Decision] = []
        for c in changes { decisions.append(try planner.decide(c)) }
        let report = Report(decisions: decisions)
        if !ifExists, !report.absent.isEmpty { throw Failure.absent(report.absent) }
        return report
    }

    /// Plans, then performs the needed steps; rolls back on failure.
    /// Throws `Failure.absent` before changing anything when a removal finds nothing and `ifExists` is false.
    public func apply(_ changes: [KernelChange], ifExists: Bool) throws -> Report {
        let report = try plan(changes, ifExists: ifExists)
        let executor = ChangeExecutor(kernel: kernel)
        var undoStack: [[KernelChange]] = []
        for decision in report.decisions {
            guard case let .perform(change, undo) = decision else { continue }
            do throws(KernelError) {
                try executor.perform(change)
                undoStack.append(undo)
            } catch {
                var failures: [String] = []
                for undo in undoStack.reversed() {
                    for u in undo {
                        do throws(KernelError) { try executor.perform(u) } catch { failures.append("\(u.command): \(error)") }
                    }
                }
                throw Failure.stepFailed(change, error, rollbackFailures: failures)
            }
        }
        return report
    }
}
