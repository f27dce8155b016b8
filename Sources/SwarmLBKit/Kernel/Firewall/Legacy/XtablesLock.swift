import Glibc

/// The lock every legacy iptables writer takes around read-modify-commit (`iptables -w`):
/// an exclusive flock on /run/xtables.lock, or on $XTABLES_LOCKFILE when set.
/// Without it, two writers each commit their own copy of the table and one writer's rules are lost.
/// Held once per process and re-entered by nested users, so a transaction can hold it from
/// its first change to its last while each table commit inside asks for it again.
enum XtablesLock {
    /// How long to wait: nil waits forever, as `iptables -w` does.
    struct Waiting {
        var seconds: Double?
        /// Told once, after a second of waiting, so the operator knows why nothing happens.
        var notice: (String) -> Void
    }

    static var path: String {
        if let p = getenv("XTABLES_LOCKFILE"), p.pointee != 0 { return String(cString: p) }
        return "/run/xtables.lock"
    }

    // swarmlb changes a namespace from its main thread only (a namespace belongs to a thread).
    nonisolated(unsafe) private static var descriptor: Int32 = -1
    nonisolated(unsafe) private static var depth = 0

    /// Takes the lock (or re-enters it), waiting as `iptables -w [SECONDS]` does; pair with `release`.
    /// SIGINT or SIGTERM (blocked by the caller) pending while waiting ends the wait.
    static func take(_ waiting: Waiting) throws(KernelError) {
        if depth == 0 { descriptor = try acquire(waiting) }
        depth += 1
    }

    static func release() {
        depth -= 1
        if depth == 0 {
            close(descriptor)  // closing the descriptor releases the flock
            descriptor = -1
        }
    }

    /// Runs `body` while holding the lock.
    static func held<T>(_ waiting: Waiting, _ body: () throws(KernelError) -> T) throws(KernelError) -> T {
        try take(waiting)
        defer { release() }
        return try body()
    }

    private static func acquire(_ waiting: Waiting) throws(KernelError) -> Int32 {
        let path = Self.path
        let fd = try syscall("open", path) { open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600) }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = Glibc.errno
            guard e == EWOULDBLOCK || e == EINTR else {
                close(fd)
                throw .syscall(call: "flock", object: path, errno: e)
            }
            if let signal = pendingInterrupt() {
                close(fd)
                throw .interrupted(signal: signal)
            }
            let waited = elapsed(since: start)
            if let limit = waiting.seconds, waited >= limit {
                let who = holder(of: fd)
                close(fd)
                throw .lockTimeout(path: path, seconds: limit, holder: who)
            }
            if !told, waited >= 1 {
                told = true
                waiting.notice("waiting for the xtables lock \(path) held by \(holder(of: fd) ?? "another program")")
            }
            usleep(20_000)
        }
        return fd
    }

    private static func elapsed(since start: timespec) -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9
    }

    /// SIGINT or SIGTERM waiting to be taken, left pending for the caller.
    private static func pendingInterrupt() -> Int32? {
        var set = sigset_t()
        sigpending(&set)
        return [SIGINT, SIGTERM].first { sigismember(&set, $0) == 1 }
    }

    /// "pid 4242 (iptables)": who holds the flock on the lock file, from /proc/locks.
    private static func holder(of fd: Int32) -> String? {
        var st = stat()
        guard fstat(fd, &st) == 0, let locks = try? ProcFile.read("/proc/locks") else { return nil }
        for line in locks.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 6, f[1] == "FLOCK", f[5].split(separator: ":").last == Substring(String(st.st_ino)),
                let pid = Int32(f[4])
            else { continue }
            let comm = (try? ProcFile.read("/proc/\(pid)/comm"))?.split(separator: "\n").first.map(String.init)
            return "pid \(pid)" + (comm.map { " (\($0))" } ?? "")
        }
        return nil
    }
}
