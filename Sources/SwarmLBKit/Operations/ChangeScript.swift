/// A transaction's report as the lines `--dry-run` prints (and a run prints after the fact): each
/// change as its classic command, in step order, so that the output is itself a runnable script;
/// what needed nothing is a comment (`# already present: ...`, `# not present: ...`, `# kept: ...`).
extension Transaction.Report {
    public var scriptLines: [String] {
        decisions.map { d in
            switch d {
            case .perform(let c, _): command(c)
            case .alreadyDone(let c): "# already present: \(command(c))"
            case .absent(let c): "# not present: \(command(c))"
            case let .kept(c, reason): "# kept: \(command(c)) (\(reason))"
            case .notFound(let what): "# not present: \(what)"
            }
        }
    }
}
