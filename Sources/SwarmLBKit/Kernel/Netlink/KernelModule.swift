import Glibc

/// Loads a kernel module the way ipvsadm does when IPVS is missing: by running
/// `/sbin/modprobe -q -- NAME` (the kernel offers no other loader for an unloaded module).
enum KernelModule {
    /// Each module's outcome, once per process: modules are the kernel's, not a namespace's, so
    /// `inspect --all` on a kernel without IPVS runs modprobe once, not once per namespace.
    nonisolated(unsafe) private static var outcomes: [String: Bool] = [:]

    /// Returns true when modprobe exited 0 (now or at this process's earlier attempt).
    static func load(_ name: String) -> Bool {
        if let known = outcomes[name] { return known }
        let loaded = run(name)
        outcomes[name] = loaded
        return loaded
    }

    private static func run(_ name: String) -> Bool {
        let candidates = ["/sbin/modprobe", "/usr/sbin/modprobe"]
        guard let modprobe = candidates.first(where: { access($0, X_OK) == 0 }) else { return false }
        var pid: pid_t = 0
        let argv = [modprobe, "-q", "--", name]
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, modprobe, &actions, nil, &cArgs, environ) == 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && Glibc.errno == EINTR {}
        return status == 0
    }
}
