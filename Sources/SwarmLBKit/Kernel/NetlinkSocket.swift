import CNetlink
import Glibc

/// One libnl socket bound to a netlink protocol, created inside the current namespace.
/// Every request goes through `request`, which captures the kernel's own errno
/// (libnl would otherwise fold it into its NLE_* codes).
final class NetlinkSocket {
    let sock: OpaquePointer
    /// One callback set per socket, pointing at `exchange`, which each request resets.
    private let callbacks: OpaquePointer
    private let exchange = Exchange()

    init(protocol proto: Int32) throws(KernelError) {
        guard let s = nl_socket_alloc() else { throw .syscall(call: "nl_socket_alloc", object: "netlink", errno: ENOMEM) }
        let r = proto == NETLINK_GENERIC ? genl_connect(s) : nl_connect(s, proto)
        if r < 0 {
            nl_socket_free(s)
            throw .syscall(call: "socket", object: "netlink protocol \(proto)", errno: Self.errno(fromNL: r))
        }
        guard let cb = nl_cb_alloc(NL_CB_DEFAULT) else {
            nl_socket_free(s)
            throw .syscall(call: "nl_cb_alloc", object: "netlink", errno: ENOMEM)
        }
        sock = s
        callbacks = cb
        let arg = Unmanaged.passUnretained(exchange).toOpaque()  // `exchange` lives as long as the socket
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, { msg, arg in
            Unmanaged<Exchange>.fromOpaque(arg!).takeUnretainedValue().onMessage(msg!)
            return Int32(NL_OK.rawValue)
        }, arg)
        let finish: nl_recvmsg_msg_cb_t = { _, arg in
            Unmanaged<Exchange>.fromOpaque(arg!).takeUnretainedValue().done = true
            return Int32(NL_STOP.rawValue)
        }
        nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, finish, arg)
        nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish, arg)
        nl_cb_err(cb, NL_CB_CUSTOM, { _, err, arg in
            let ex = Unmanaged<Exchange>.fromOpaque(arg!).takeUnretainedValue()
            ex.errno = swlb_nlmsgerr_errno(err)
            ex.done = true
            return Int32(NL_STOP.rawValue)
        }, arg)
    }

    deinit {
        nl_cb_put(callbacks)
        nl_socket_free(sock)
    }

    /// Collects replies and the final status of one request.
    private final class Exchange {
        var done = false
        var errno: Int32 = 0
        var onMessage: (OpaquePointer) -> Void = { _ in }
    }

    /// Sends `message` (consumed) and feeds each reply to `onMessage` until the kernel
    /// acknowledges, finishes a dump, or returns an error, which is thrown with its errno.
    func request(_ message: OpaquePointer, operation: String, object: String,
                 onMessage: @escaping (OpaquePointer) -> Void = { _ in }) throws(KernelError) {
        defer { nlmsg_free(message) }
        exchange.done = false
        exchange.errno = 0
        exchange.onMessage = onMessage
        defer { exchange.onMessage = { _ in } }
        let sent = nl_send_auto(sock, message)
        if sent < 0 { throw .netlink(operation: operation, object: object, errno: Self.errno(fromNL: sent)) }
        while !exchange.done {
            let r = nl_recvmsgs(sock, callbacks)
            if r < 0 { throw .netlink(operation: operation, object: object, errno: Self.errno(fromNL: r)) }
        }
        if exchange.errno != 0 { throw .netlink(operation: operation, object: object, errno: exchange.errno) }
    }

    /// libnl's NLE_* codes back to errno, for failures libnl itself detects.
    static func errno(fromNL code: Int32) -> Int32 {
        switch -code {
        case NLE_NOMEM: return ENOMEM
        case NLE_EXIST: return EEXIST
        case NLE_OBJ_NOTFOUND: return ENOENT
        case NLE_INVAL: return EINVAL
        case NLE_PERM: return EPERM
        case NLE_NODEV: return ENODEV
        case NLE_BUSY: return EBUSY
        case NLE_AGAIN: return EAGAIN
        case NLE_OPNOTSUPP: return EOPNOTSUPP
        case NLE_PROTO_MISMATCH: return EPROTONOSUPPORT
        case NLE_NOADDR: return EADDRNOTAVAIL
        case NLE_AF_NOSUPPORT: return EAFNOSUPPORT
        default: return EIO
        }
    }
}
