import Glibc

/// Where one run's time goes, phase by phase: wall-clock and CPU time, one line on stderr per phase,
/// only when the environment sets SWARMLB_TIMINGS (how `apply`'s fixed costs are measured: start-up,
/// the services file, each read of the namespace). The first phase starts when the process did
/// (its fork, so an exec'ing swarmlb counts), from /proc/self/stat; CPU time survives exec too.
public enum PhaseTimings {
    /// Whether SWARMLB_TIMINGS asks for the lines.
    public static let enabled = getenv("SWARMLB_TIMINGS") != nil

    nonisolated(unsafe) private static var last: (wall: Double, cpu: Double)?

    /// Prints the time since the previous mark (the process's start for the first) as `phase`.
    public static func mark(_ phase: String) {
        guard enabled else { return }
        let now = (wall: clock(CLOCK_BOOTTIME), cpu: clock(CLOCK_PROCESS_CPUTIME_ID))
        let since = last ?? (wall: processStart() ?? now.wall, cpu: 0)
        last = now
        report(phase, wall: now.wall - since.wall, cpu: now.cpu - since.cpu)
    }

    /// Runs `body` and prints its time as `phase`, apart from the marks around it (which include it).
    /// The phase's name is spelled only when the lines are asked for.
    public static func measure<T, E: Error>(_ phase: @autoclosure () -> String, _ body: () throws(E) -> T) throws(E) -> T {
        guard enabled else { return try body() }
        let start = (wall: clock(CLOCK_BOOTTIME), cpu: clock(CLOCK_PROCESS_CPUTIME_ID))
        defer { report("  " + phase(), wall: clock(CLOCK_BOOTTIME) - start.wall, cpu: clock(CLOCK_PROCESS_CPUTIME_ID) - start.cpu) }
        return try body()
    }

    private static func report(_ phase: String, wall: Double, cpu: Double) {
        func ms(_ s: Double) -> String {
            let tenths = Int((s * 10_000).rounded())
            return "\(tenths / 10).\(tenths % 10) ms"
        }
        var line = "swarmlb: time: \(phase): \(ms(wall)) (CPU \(ms(cpu)))\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    private static func clock(_ id: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(id, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// When the process started, on CLOCK_BOOTTIME: field 22 of /proc/self/stat, in clock ticks.
    private static func processStart() -> Double? {
        guard let stat = try? ProcFile.read("/proc/self/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields from 3 (state) on follow the ")": field 22 is at offset 19.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
