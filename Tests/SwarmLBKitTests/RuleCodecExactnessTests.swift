import SwarmLBTestSupport
import XCTest

@testable import SwarmLBKit

/// The re-encode guard skipped for the mark, tcp and udp matches and the MARK target is earned:
/// wherever `RuleCodec.encodesExactly` accepts a payload, encoding the decoded value gives back exactly
/// those bytes (`reencodes`), on what iptables writes for these kinds and on those bytes disturbed.
final class RuleCodecExactnessTests: XCTestCase {
    /// A value of each kind, as a rule of iptables would hold it.
    func matches(_ g: inout SplitMix) -> [IPTablesRule.Match] {
        func ports() -> IPTablesRule.PortRange? {
            let low = UInt16.random(in: 0...0xffff, using: &g)
            return Bool.random(using: &g) ? nil : .init(low, UInt16.random(in: low...0xffff, using: &g), negated: Bool.random(using: &g))
        }
        let flags: IPTablesRule.TCPFlags? =
            Bool.random(using: &g)
            ? nil
            : .init(mask: .random(in: 1...0x3f, using: &g), compare: .random(in: 0...0x3f, using: &g), negated: Bool.random(using: &g))
        return [
            .mark(
                value: .random(in: 0...UInt32.max, using: &g), mask: .random(in: 0...UInt32.max, using: &g),
                negated: Bool.random(using: &g)),
            .ports(.tcp, source: ports(), destination: ports(), tcpFlags: flags),
            .ports(.udp, source: ports(), destination: ports()),
        ]
    }

    /// The payload with a few bytes changed, or cut or grown by a few.
    func disturbed(_ payload: [UInt8], _ g: inout SplitMix) -> [UInt8] {
        var p = payload
        switch Int.random(in: 0..<4, using: &g) {
        case 0: p.removeLast(Int.random(in: 1...min(8, p.count), using: &g))
        case 1: p += [UInt8](repeating: 0, count: Int.random(in: 1...8, using: &g))
        default:
            for _ in 0..<Int.random(in: 1...3, using: &g) {
                let i = Int.random(in: 0..<p.count, using: &g)
                p[i] = Bool.random(using: &g) ? .random(in: 0...0xff, using: &g) : [0, 1, 2, 0xff].randomElement(using: &g)!
            }
        }
        return p
    }

    func testMatchesSkippingTheGuardReencodeExactly() {
        var g = SplitMix(seed: 26)
        var (skipped, guarded, disturbedSkipped) = (0, 0, 0)
        for _ in 0..<5_000 {
            for m in matches(&g) {
                let x = RuleCodec.xtExtension(m)
                for (n, payload) in [x.payload, disturbed(x.payload, &g)].enumerated() {
                    payload.withUnsafeBytes { p in
                        guard let decoder = RuleCodec.MatchDecoder(name: x.name, revision: x.revision),
                            let decoded = RuleCodec.decodeMatchFields(decoder, p)
                        else { return }
                        let exact = RuleCodec.reencodes(decoded, name: x.name, revision: x.revision, p)
                        if RuleCodec.encodesExactly(decoded, p) {
                            XCTAssertTrue(exact, "\(x.name) \(payload) decodes as \(decoded), which encodes otherwise")
                            if n == 0 { skipped += 1 } else { disturbedSkipped += 1 }
                        } else if n == 0 {
                            XCTFail("\(x.name) as iptables writes it (\(payload)) is not recognised as exact")
                        } else if !exact {
                            guarded += 1
                        }
                    }
                }
            }
        }
        // Each side was taken: what iptables writes skips the guard; disturbed bytes both ways.
        XCTAssertEqual(skipped, 15_000)
        XCTAssertGreaterThan(disturbedSkipped, 100)
        XCTAssertGreaterThan(guarded, 100)
    }

    func testMarkTargetSkippingTheGuardReencodesExactly() {
        var g = SplitMix(seed: 27)
        var (skipped, guarded) = (0, 0)
        for _ in 0..<5_000 {
            let t = IPTablesRule.Target.mark(value: .random(in: 0...UInt32.max, using: &g), mask: .random(in: 0...UInt32.max, using: &g))
            let x = RuleCodec.xtExtension(t)!
            for payload in [x.payload, disturbed(x.payload, &g)] {
                payload.withUnsafeBytes { p in
                    guard let decoder = RuleCodec.TargetDecoder(name: x.name, revision: x.revision),
                        let decoded = RuleCodec.decodeTargetFields(decoder, p)
                    else { return }
                    let exact = RuleCodec.reencodes(decoded, name: x.name, revision: x.revision, p)
                    if RuleCodec.encodesExactly(decoded, p) {
                        XCTAssertTrue(exact, "MARK \(payload) decodes as \(decoded), which encodes otherwise")
                        skipped += 1
                    } else if !exact {
                        guarded += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(skipped, 5_000)
        XCTAssertGreaterThan(guarded, 10)
    }
}
