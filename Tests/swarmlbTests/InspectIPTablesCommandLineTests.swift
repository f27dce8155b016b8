import ArgumentParser
import SwarmLBCommandLine
import XCTest

@testable import swarmlb

/// `InspectIPTablesCommandLine` against the argument parser: what it takes, the parser reads alike;
/// what it leaves (nil), the parser reads or refuses itself.
final class InspectIPTablesCommandLineTests: XCTestCase {
    /// The parser's reading of a `swarmlb` command line, as swarmlb does it (leading options last).
    private func parsed(_ args: [String]) throws -> InspectCommand.IPTables {
        let moved = try CommandRunner.leadingOptionsMovedLast(args)
        guard let command = try SwarmLB.parseAsRoot(moved) as? InspectCommand.IPTables else { throw CommandLineMismatch(args: args) }
        return command
    }

    private struct CommandLineMismatch: Error { let args: [String] }

    func testPlainCommandLinesAreReadWithoutTheParserAndAsTheParserReadsThem() throws {
        let plain: [[String]] = [
            ["inspect", "iptables"],
            ["inspect", "iptables", "-t", "mangle"],
            ["-n", "lb_x", "inspect", "iptables", "-t", "nat"],
            ["inspect", "iptables", "--table=raw", "-n", "pid:42", "--save"],
            ["--netns=/run/netns/a", "--json", "inspect", "iptables", "--save"],
            ["--backend", "legacy", "--wait", "2.5", "inspect", "iptables", "--table", "filter"],
            ["inspect", "iptables", "--save", "--backend=nft", "--wait=0", "--json"],
            ["-n", "inspect", "inspect", "iptables", "-t", "mangle"],
            ["-n", "iptables", "inspect", "iptables"],
        ]
        for args in plain {
            let fast = try XCTUnwrap(InspectIPTablesCommandLine(args), "\(args) should be read without the parser")
            XCTAssertEqual(fast.invocation, try parsed(args).invocation, "\(args)")
        }
    }

    func testAnythingElseIsLeftToTheParser() {
        let others: [[String]] = [
            ["inspect", "iptables", "-h"],
            ["inspect", "iptables", "--help"],
            ["--version", "inspect", "iptables"],
            ["inspect", "iptables", "--version"],
            ["inspect", "iptables", "-t", "security"],  // refused by the transform
            ["inspect", "iptables", "-t", "mangle", "-t", "nat"],  // twice
            ["inspect", "iptables", "-t"],
            ["inspect", "iptables", "-t", ""],
            ["inspect", "iptables", "-t", "--save"],  // a value that is an option
            ["inspect", "iptables", "-tmangle"],
            ["inspect", "iptables", "-t=mangle"],
            ["inspect", "iptables", "--save=yes"],
            ["inspect", "iptables", "--saved"],
            ["inspect", "iptables", "-n", "pid:abc"],
            ["inspect", "iptables", "--backend", "iptables"],
            ["inspect", "iptables", "--wait", "-1"],
            ["inspect", "iptables", "--wait", "nan"],
            ["-n", "a", "inspect", "iptables", "-n", "b"],
            ["--save", "inspect", "iptables"],  // not a common option: not before the command
            ["inspect", "-n", "a", "iptables"],  // an option between the command's words
            ["inspect", "iptables", "--", "x"],
            ["inspect", "iptables", "extra"],
            ["inspect", "iptables", "iptables"],
            ["inspect", "inspect", "iptables"],
            ["inspect"],
            ["inspect", "ipvs"],
            ["iptables"],
            ["apply", "--config", "f", "--dev", "eth0"],
            [],
        ]
        for args in others { XCTAssertNil(InspectIPTablesCommandLine(args), "\(args) is the parser's to read") }
    }

    /// Every option the command's help lists is one InspectIPTablesCommandLine knows, and the other way
    /// round: an option added to the command and not here would send every run through the parser.
    func testItKnowsEveryOptionOfInspectIPTables() {
        let help = SwarmLB.helpMessage(for: InspectCommand.IPTables.self, columns: 10_000)
        let listed = Set(help.split(whereSeparator: { !($0.isLetter || $0 == "-") }).map(String.init).filter { $0.hasPrefix("--") })
        XCTAssertEqual(listed.subtracting(["--help", "--version"]), Set(InspectIPTablesCommandLine.options.map(\.name)))
        XCTAssertTrue(help.contains("-n, --netns"))
        XCTAssertTrue(help.contains("-t, --table"))
    }
}
