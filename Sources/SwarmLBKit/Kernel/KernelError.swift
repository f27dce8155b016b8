import CLinux
import Glibc

/// A failure reported by the kernel or by one of swarmlb's kernel interfaces,
/// carrying the errno and the object it concerns, so one line tells an operator what broke.
public enum KernelError: Error, Equatable, Sendable {
    /// A syscall failed: which call, on what, and the errno it returned.
    case syscall(call: String, object: String, errno: Int32)
    /// A netlink request (IPVS or rtnetlink) was refused by the kernel.
    case netlink(operation: String, object: String, errno: Int32)
    /// An nf_tables request or batch (iptables-nft's tables) was refused, or a rule cannot be written there.
    case nftables(operation: String, object: String, errno: Int32)
    /// An IPVS request was refused; `meaning` is what ipvsadm says for this request and errno
    /// ("Service not defined", "No such service", "Scheduler not found", ...).
    case ipvs(operation: String, object: String, errno: Int32, meaning: String)
    /// A libiptc call failed on a table.
    case iptables(operation: String, table: String, errno: Int32, message: String)
    /// The running kernel has no IPVS, even after trying to load ip_vs.
    case ipvsUnavailable(reason: String)
    /// The namespace argument names nothing that exists.
    case namespaceNotFound(String, tried: [String])
    /// A network device does not exist in the namespace.
    case noSuchDevice(String)
    /// swarmlb needs CAP_NET_ADMIN (root) for this.
    case notPermitted(String)
    /// The xtables lock stayed held by another program for the whole `--wait`.
    case lockTimeout(path: String, seconds: Double, holder: String?)
    /// SIGINT or SIGTERM arrived while swarmlb was waiting or changing the namespace.
    case interrupted(signal: Int32)
    /// Both iptables backends hold load-balancing rules and none was chosen.
    case backendsConflict
    /// Another resolver serves this address in the namespace (its ports, e.g. "udp/39353 tcp/38534").
    case resolverRunning(address: String, ports: String)

    public var errno: Int32? {
        switch self {
        case .syscall(_, _, let e), .netlink(_, _, let e), .nftables(_, _, let e), .iptables(_, _, let e, _), .ipvs(_, _, let e, _):
            return e
        case .notPermitted: return EPERM
        case .noSuchDevice: return ENODEV
        case .namespaceNotFound: return ENOENT
        case .lockTimeout: return EAGAIN
        case .interrupted: return EINTR
        case .resolverRunning: return EADDRINUSE
        case .ipvsUnavailable, .backendsConflict: return nil
        }
    }
}

extension KernelError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .syscall(call, object, e):
            return "\(call) \(object): \(errnoText(e))"
        case let .netlink(operation, object, e):
            return "\(operation) \(object): \(errnoText(e))"
        case let .nftables(operation, object, e):
            return "nftables: \(operation) \(object): \(errnoText(e))"
        case let .ipvs(operation, object, _, meaning):
            return "\(meaning): \(operation) \(object)"
        case let .iptables(operation, table, e, message):
            return "iptables \(operation) in table \(table): \(message.isEmpty ? errnoText(e) : message)"
        case let .ipvsUnavailable(reason):
            return "IPVS is not available in this kernel (\(reason)); load the ip_vs module on the host"
        case let .namespaceNotFound(name, tried):
            return "network namespace \"\(name)\" not found (looked at \(tried.joined(separator: ", ")))"
        case let .noSuchDevice(name):
            return "device \"\(name)\" does not exist in this namespace"
        case let .notPermitted(what):
            return "\(what): operation not permitted (run as root, or with CAP_NET_ADMIN)"
        case let .lockTimeout(path, seconds, holder):
            return
                "the xtables lock \(path) is still held\(holder.map { " by \($0)" } ?? "") after \(seconds.formatted) s of waiting; nothing was changed"
        case let .interrupted(signal):
            return "interrupted by \(signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)")"
        case .backendsConflict:
            return "both iptables-legacy and iptables-nft hold load-balancing rules in this namespace; "
                + "choose one with --backend legacy|nft (or SWARMLB_BACKEND)"
        case let .resolverRunning(address, ports):
            return "a resolver already serves \(address) in this namespace (\(ports)); stop it first"
        }
    }
}

/// strerror(3) text with the symbolic name glibc gives it (strerrorname_np), e.g. "File exists (EEXIST)".
public func errnoText(_ e: Int32) -> String {
    let text = String(cString: strerror(e))
    guard let name = swlb_strerrorname_np(e) else { return "\(text) (errno \(e))" }
    return "\(text) (\(String(cString: name)))"
}

extension Double {
    /// "2" for whole numbers, "0.5" otherwise: how seconds read in messages.
    var formatted: String { self == rounded() ? String(Int(self)) : String(self) }
}
