import Glibc
import XCTest

@testable import SwarmLBKit

/// The firewall seam's stub with a record of what reached it (the write lock, each commit as
/// `TABLE: EDIT; EDIT`) and commits refused on demand, the table left as it was: what
/// `Transaction`'s execution and `ChangeExecutor` send, in which order, and what they undo.
final class RecordingFirewall: FirewallBackend {
    let tables = FakeFirewall()
    var log: [String] = []
    /// The commits refused with EPERM, by position among all commits (from 0).
    var failing: Set<Int> = []
    private var commits = 0

    var kind: FirewallBackendKind { tables.kind }

    func read(
        _ table: FirewallTable, forListing: Bool, chains: ([IPTablesDump.Chain]) throws(KernelError) -> Void,
        rule: (_ chain: Int, _ rule: IPTablesRule) throws(KernelError) -> Void
    ) throws(KernelError) {
        try tables.read(table, forListing: forListing, chains: chains, rule: rule)
    }

    func existingTables() -> [FirewallTable] { tables.existingTables() }

    func takeWriteLock() { log.append("lock") }

    func releaseWriteLock() { log.append("unlock") }

    func commit(_ table: FirewallTable, _ edits: [FirewallEdit]) throws(KernelError) {
        let entry = "\(table.rawValue): " + edits.map(Self.spelling).joined(separator: "; ")
        commits += 1
        guard !failing.contains(commits - 1) else {
            log.append(entry + " (refused)")
            throw .iptables(operation: "commit", table: table.rawValue, errno: EPERM, message: "refused by the test")
        }
        log.append(entry)
        tables.commit(table, edits)
    }

    static func spelling(_ edit: FirewallEdit) -> String {
        switch edit {
        case let .append(chain, rule): "-A \(chain) \(rule.specification)"
        case let .insert(chain, at, rule): "-I \(chain) \(at + 1) \(rule.specification)"
        case let .delete(chain, rule): "-D \(chain) \(rule.specification)"
        case .createChain(let chain): "-N \(chain)"
        case .deleteChain(let chain): "-X \(chain)"
        }
    }
}

/// `Transaction.run` past planning (the steps performed, one commit per run of rule changes to one
/// table, under the write lock; on a failed step the earlier ones undone in reverse) and
/// `ChangeExecutor.perform`, on the firewall stub, without root.
final class TransactionTests: XCTestCase {
    let a = { (s: String) in try! IPv4Address(parsing: s) }

    func mark(_ vip: String, _ mark: UInt32) -> KernelChange {
        .appendRule(.mangle, chain: "INPUT", MarkRule(chain: "INPUT", selector: .vip(a(vip)), mark: FirewallMark(mark)).rule)
    }

    func snat(_ source: String) -> KernelChange {
        .appendRule(.nat, chain: "POSTROUTING", SNATRule(subnet: try! IPv4Subnet(parsing: "10.0.0.0/24"), source: a(source)).rule)
    }

    let m2 = "-A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff"
    let m3 = "-A INPUT -d 10.0.0.3/32 -j MARK --set-xmark 0x102/0xffffffff"
    let m4 = "-A INPUT -d 10.0.0.4/32 -j MARK --set-xmark 0x103/0xffffffff"
    let s5 = "-A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5"

    /// mangle, mangle, nat, mangle: three steps (the two first marks in one commit), in plan order.
    var requests: [ChangeRequest] {
        [mark("10.0.0.2", 0x101), mark("10.0.0.3", 0x102), snat("10.0.0.5"), mark("10.0.0.4", 0x103)].map { .change($0) }
    }

    func run(_ firewall: RecordingFirewall, _ requests: [ChangeRequest], dryRun: Bool = false) throws -> Transaction.Report {
        try Transaction(kernel: Kernel(firewallBackend: firewall)).run(requests, dryRun: dryRun)
    }

    func rules(_ firewall: RecordingFirewall) -> [String] {
        [FirewallTable.mangle, .nat].flatMap { t in
            firewall.tables.table(t).chains.flatMap { c in c.rules.map { "\(t.rawValue) -A \(c.name) \($0.specification)" } }
        }
    }

    func testStepsRunInPlanOrderOneCommitPerRunOfOneTableUnderTheLock() throws {
        let fw = RecordingFirewall()
        let report = try run(fw, requests)
        XCTAssertEqual(report.performed.count, 4)
        XCTAssertEqual(fw.log, ["lock", "mangle: \(m2); \(m3)", "nat: \(s5)", "mangle: \(m4)", "unlock"])
        XCTAssertEqual(rules(fw), ["mangle \(m2)", "mangle \(m3)", "mangle \(m4)", "nat \(s5)"])
    }

    /// What the table already holds is decided under the lock and never sent.
    func testWhatIsAlreadyThereIsNotSent() throws {
        let fw = RecordingFirewall()
        fw.tables.commit(
            .nat, [.append(chain: "POSTROUTING", SNATRule(subnet: try IPv4Subnet(parsing: "10.0.0.0/24"), source: a("10.0.0.5")).rule)])
        let report = try run(fw, requests)
        XCTAssertEqual(report.unchanged.count, 1)
        XCTAssertEqual(fw.log, ["lock", "mangle: \(m2); \(m3); \(m4)", "unlock"])
    }

    func testDryRunSendsNothingAndTakesNoLock() throws {
        let fw = RecordingFirewall()
        XCTAssertEqual(try run(fw, requests, dryRun: true).performed.count, 4)
        XCTAssertEqual(fw.log, [])
    }

    /// The third step fails: the second and the first are undone, in reverse, each run of one table
    /// in one commit; the tables end as they began and the error names the failed step.
    func testAFailureInTheMiddleUndoesTheEarlierStepsInReverse() throws {
        let fw = RecordingFirewall()
        fw.failing = [2]
        XCTAssertThrowsError(try run(fw, requests)) { error in
            XCTAssertEqual(
                "\(error)",
                "\(KernelError.iptables(operation: "commit", table: "mangle", errno: EPERM, message: "refused by the test"))"
                    + " [while: iptables-nft -t mangle \(m4)]; earlier steps rolled back, namespace unchanged")
        }
        XCTAssertEqual(
            fw.log,
            [
                "lock", "mangle: \(m2); \(m3)", "nat: \(s5)", "mangle: \(m4) (refused)",
                "nat: -D POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5",
                "mangle: -D INPUT -d 10.0.0.3/32 -j MARK --set-xmark 0x102/0xffffffff; -D INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff",
                "unlock",
            ])
        XCTAssertEqual(rules(fw), [])
    }

    /// The first step fails: nothing to roll back, and the error says so by saying nothing of it.
    func testAFailedFirstStepHasNothingToRollBack() throws {
        let fw = RecordingFirewall()
        fw.failing = [0]
        XCTAssertThrowsError(try run(fw, requests)) { error in
            guard case .stepFailed(_, _, let rollback)? = error as? Transaction.Failure else { return XCTFail("\(error)") }
            XCTAssertNil(rollback)
        }
        XCTAssertEqual(fw.log, ["lock", "mangle: \(m2); \(m3) (refused)", "unlock"])
    }

    /// An undo that fails too is named, and the rollback goes on with the rest.
    func testAFailedUndoIsReportedAndTheRestUndone() throws {
        let fw = RecordingFirewall()
        fw.failing = [2, 3]
        XCTAssertThrowsError(try run(fw, requests)) { error in
            XCTAssertTrue(
                "\(error)".hasSuffix(
                    "; ROLLBACK INCOMPLETE: iptables-nft -t nat -D POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5: "
                        + "\(KernelError.iptables(operation: "commit", table: "nat", errno: EPERM, message: "refused by the test"))"),
                "\(error)")
        }
        XCTAssertEqual(rules(fw), ["nat \(s5)"])
    }

    /// `ChangeExecutor.perform`: stops at the first failed step, unless asked to keep going (as a
    /// rollback), and reports each made step's position; `shouldStop` is asked before each step.
    func testExecutorStopsAtTheFirstFailureUnlessKeepingGoing() {
        let steps: [[KernelChange]] = [[mark("10.0.0.2", 0x101)], [snat("10.0.0.5")], [mark("10.0.0.4", 0x103)]]
        for keepGoing in [false, true] {
            let fw = RecordingFirewall()
            fw.failing = [1]
            var made: [Int] = []
            let outcome = ChangeExecutor(kernel: Kernel(firewallBackend: fw)).perform(
                steps, keepGoing: keepGoing, made: { made.append($0) })
            XCTAssertEqual(outcome.failures.map { $0.step }, [1])
            XCTAssertEqual(made, keepGoing ? [0, 2] : [0])
            XCTAssertEqual(fw.log.count, keepGoing ? 3 : 2)
        }
        let fw = RecordingFirewall()
        var asked = 0
        let outcome = ChangeExecutor(kernel: Kernel(firewallBackend: fw)).perform(
            steps,
            shouldStop: {
                asked += 1
                return asked == 2
            })
        XCTAssertTrue(outcome.stopped)
        XCTAssertEqual(fw.log, ["mangle: \(m2)"])
    }
}
