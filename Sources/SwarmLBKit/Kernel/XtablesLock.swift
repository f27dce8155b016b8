import Glibc

/// The lock every legacy iptables writer takes around read-modify-commit (`iptables -w`):
/// an exclusive flock on /run/xtables.lock, or on $XTABLES_LOCKFILE when set.
/// Without it, two writers each commit their own snapshot and one writer's rules are lost.
enum XtablesLock {
    static var path: String {
        if let p = getenv("XTABLES_LOCKFILE"), p.pointee != 0 { return String(cString: p) }
        return "/run/xtables.lock"
    }

    /// Runs `body` while holding the lock, waiting for it as `iptables -w` does.
    static func held<T>(_ body: () throws(KernelError) -> T) throws(KernelError) -> T {
        let path = Self.path
        let fd = try syscall("open", path) { open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600) }
        defer { close(fd) }  // closing the descriptor releases the flock
        try syscall("flock", path) { flock(fd, LOCK_EX) }
        return try body()
    }
}
