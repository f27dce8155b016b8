import Glibc
import SwarmLBKit

/// The benchmark driver of `make bench` (scripts/bench-firewall), not an operator's tool:
/// `swarmlb-bench mark-rules N legacy|nft` commits N VIP mark rules to mangle INPUT in the
/// current namespace in one firewall commit, as `iptables-restore --noflush` of the same rules does.
@main
enum BenchMain {
    static func main() {
        let args = CommandLine.arguments
        guard args.count == 4, args[1] == "mark-rules", let n = Int(args[2]), n > 0, n < 65536,
              let kind = FirewallBackendKind(rawValue: args[3]) else {
            fail("usage: swarmlb-bench mark-rules N legacy|nft", status: 2)
        }
        let edits = (1...n).map { i in
            FirewallEdit.append(chain: "INPUT", MarkRule(chain: "INPUT", selector: .vip(IPv4Address(0x0a00_0000 + UInt32(i) + 8)),
                                                         mark: FirewallMark(0x100 + UInt32(i))).rule)
        }
        do {
            let backend: FirewallBackend = kind == .legacy ? LegacyFirewall(lockWait: nil, notice: { _ in }) : try NFTFirewall()
            try backend.commit(.mangle, edits)
        } catch {
            fail("swarmlb-bench: \(error)", status: 1)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        let line = message + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        exit(status)
    }
}
