import ArgumentParser
import SwarmLBCommandLine
import XCTest

@testable import swarmlb

/// `ApplyCommandLine` against the argument parser: what it takes, the parser reads alike; what it
/// leaves (nil), the parser reads or refuses itself.
final class ApplyCommandLineTests: XCTestCase {
    /// The parser's reading of a `swarmlb` command line, as swarmlb does it (leading options last).
    private func parsed(_ args: [String]) throws -> ApplyCommand {
        let moved = try CommandRunner.leadingOptionsMovedLast(args)
        guard let command = try SwarmLB.parseAsRoot(moved) as? ApplyCommand else { throw CommandLineMismatch(args: args) }
        return command
    }

    private struct CommandLineMismatch: Error { let args: [String] }

    func testPlainCommandLinesAreReadWithoutTheParserAndAsTheParserReadsThem() throws {
        let plain: [[String]] = [
            ["-n", "lb_x", "apply", "--config", "f.yaml", "--dev", "eth0"],
            ["apply", "--config=f.yaml", "--dev=eth0", "-n", "pid:42"],
            ["--netns=/run/netns/a", "--json", "apply", "--config", "a b.json", "--dev", "eth1", "--chain", "OUTPUT"],
            ["--backend", "legacy", "--wait", "2.5", "apply", "--config", "f", "--dev", "eth0", "--to-source", "10.0.0.9"],
            ["apply", "--dev", "eth0", "--config", "f", "--prune", "--check", "--dry-run", "--backend=nft", "--wait=0"],
            ["-n", "apply", "apply", "--config", "apply", "--dev", "apply"],
        ]
        for args in plain {
            let fast = try XCTUnwrap(ApplyCommandLine(args), "\(args) should be read without the parser")
            XCTAssertEqual(fast.invocation, try parsed(args).invocation, "\(args)")
        }
    }

    func testAnythingElseIsLeftToTheParser() {
        let others: [[String]] = [
            ["apply", "--config", "f"],  // --dev missing
            ["apply", "--dev", "eth0"],  // --config missing
            ["apply", "--config", "f", "--dev", "eth0", "-h"],
            ["apply", "--config", "f", "--dev", "eth0", "--help"],
            ["--version", "apply", "--config", "f", "--dev", "eth0"],
            ["apply", "--config", "f", "--dev", "eth0", "--chain", "FORWARD"],  // refused by the transform
            ["apply", "--config", "f", "--dev", "a/b"],
            ["apply", "--config", "f", "--dev", "eth0", "--to-source", "10.0.0"],
            ["apply", "--config", "f", "--dev", "eth0", "-n", "pid:abc"],
            ["apply", "--config", "f", "--dev", "eth0", "--backend", "iptables"],
            ["apply", "--config", "f", "--dev", "eth0", "--wait", "-1"],
            ["apply", "--config", "f", "--dev", "eth0", "--wait", "soon"],
            ["apply", "--config", "f", "--dev", "eth0", "--config", "g"],  // twice
            ["-n", "a", "apply", "--config", "f", "--dev", "eth0", "-n", "b"],
            ["apply", "--config", "f", "--dev", "eth0", "--prune=yes"],
            ["apply", "--config", "f", "--dev", "eth0", "--pruned"],
            ["apply", "--config", "--dev", "eth0"],  // a value that is an option
            ["apply", "--config", "", "--dev", "eth0"],
            ["apply", "--config", "f", "--dev"],
            ["apply", "--config", "f", "--dev", "eth0", "--", "x"],
            ["apply", "--config", "f", "--dev", "eth0", "extra"],
            ["apply", "apply", "--config", "f", "--dev", "eth0"],
            ["--dry-run", "apply", "--config", "f", "--dev", "eth0"],  // not a common option: not before apply
            ["vip", "list"],
            ["-n", "x", "vip", "add", "10.0.0.2", "--dev", "eth0"],
            [],
        ]
        for args in others { XCTAssertNil(ApplyCommandLine(args), "\(args) is the parser's to read") }
    }

    /// Every option apply's help lists is one ApplyCommandLine knows, and the other way round: an
    /// option added to the command and not here would send every run through the parser.
    func testItKnowsEveryOptionOfApply() {
        let help = SwarmLB.helpMessage(for: ApplyCommand.self, columns: 10_000)
        let listed = Set(help.split(whereSeparator: { !($0.isLetter || $0 == "-") }).map(String.init).filter { $0.hasPrefix("--") })
        XCTAssertEqual(listed.subtracting(["--help", "--version"]), Set(ApplyCommandLine.options.map(\.name)))
        XCTAssertTrue(help.contains("-n, --netns"))
    }

    /// Leading options go back before a `--`, so that the parser's error names only what was typed.
    func testLeadingOptionsGoBeforeADoubleDash() throws {
        XCTAssertEqual(
            try CommandRunner.leadingOptionsMovedLast(["-n", "lb_x", "apply", "--config", "f", "--dev", "eth0", "--", "extra"]),
            ["apply", "--config", "f", "--dev", "eth0", "--netns=lb_x", "--", "extra"])
        XCTAssertThrowsError(try parsed(["-n", "lb_x", "apply", "--config", "f", "--dev", "eth0", "--", "extra"])) { error in
            XCTAssertEqual(SwarmLB.message(for: error), "Unexpected argument 'extra'")
        }
    }
}
