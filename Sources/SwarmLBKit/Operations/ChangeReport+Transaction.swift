extension JSONViews.ChangeReport {
    /// A transaction's report as `--json` prints it: each change as its classic command.
    public init(_ report: Transaction.Report, dryRun: Bool) {
        self.init(
            dryRun: dryRun, changes: report.performed.map(report.command), unchanged: report.unchanged.map(report.command),
            absent: report.absent.map(report.command) + report.notFound, kept: report.kept)
    }
}
