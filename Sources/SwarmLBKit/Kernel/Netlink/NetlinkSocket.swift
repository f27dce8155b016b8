import CNetlink
import Glibc

/// One libnl socket bound to a netlink protocol, created inside the current namespace.
/// Every request goes through `request`, which captures the kernel's own errno (libnl would
/// otherwise fold it into its NLE_* codes), or `pipeline`, which sends many without waiting for each
/// answer. A kernel that does not answer within `timeout` seconds is an error naming the operation.
final class NetlinkSocket {
    static let timeout = 5
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
        // Room for a pipelined chunk's messages and for the kernel's answer to each of them.
        _ = nl_socket_set_buffer_size(s, Int32(Self.bufferSize), Int32(Self.bufferSize))
        // One recvmsg per answer into a buffer larger than any the kernel sends (a dump's are at most
        // 32 KiB), instead of libnl's default of peeking at each first: a third fewer system calls
        // when apply reads the real servers of thousands of services, one dump each.
        nl_socket_disable_msg_peek(s)
        _ = nl_socket_set_msg_buf_size(s, 64 * 1024)
        // Error answers without a copy of the refused message: a pipelined chunk's answers stay small.
        var one: Int32 = 1
        _ = setsockopt(nl_socket_get_fd(s), SOL_NETLINK, NETLINK_CAP_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        var tv = timeval(tv_sec: Self.timeout, tv_usec: 0)
        if setsockopt(nl_socket_get_fd(s), SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) < 0 {
            let e = Glibc.errno
            nl_cb_put(cb)
            nl_socket_free(s)
            throw .syscall(call: "setsockopt SO_RCVTIMEO", object: "netlink protocol \(proto)", errno: e)
        }
        sock = s
        callbacks = cb
        let arg = Unmanaged.passUnretained(exchange).toOpaque()  // `exchange` lives as long as the socket
        nl_cb_set(
            cb, NL_CB_VALID, NL_CB_CUSTOM,
            { msg, arg in
                Unmanaged<Exchange>.fromOpaque(arg!).takeUnretainedValue().onMessage(msg!)
                return Int32(NL_OK.rawValue)
            }, arg)
        let finish: nl_recvmsg_msg_cb_t = { _, arg in
            Unmanaged<Exchange>.fromOpaque(arg!).takeUnretainedValue().done = true
            return Int32(NL_STOP.rawValue)
        }
        nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, finish, arg)
        nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish, arg)
        nl_cb_err(
            cb, NL_CB_CUSTOM,
            { _, err, arg in
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
    func request(
        _ message: OpaquePointer, operation: String, object: String,
        onMessage: @escaping (OpaquePointer) -> Void = { _ in }
    ) throws(KernelError) {
        defer { nlmsg_free(message) }
        exchange.done = false
        exchange.errno = 0
        exchange.onMessage = onMessage
        defer { exchange.onMessage = { _ in } }
        let sent = nl_send_auto(sock, message)
        if sent < 0 { throw .netlink(operation: operation, object: object, errno: Self.errno(fromNL: sent)) }
        while !exchange.done {
            let r = nl_recvmsgs(sock, callbacks)
            if r == -NLE_AGAIN { throw Self.silence(operation, object) }
            if r < 0 { throw .netlink(operation: operation, object: object, errno: Self.errno(fromNL: r)) }
        }
        if exchange.errno != 0 { throw .netlink(operation: operation, object: object, errno: exchange.errno) }
    }

    private static func silence(_ operation: String, _ object: String) -> KernelError {
        .netlink(operation: operation, object: object + " (no answer from the kernel within \(timeout) s)", errno: ETIMEDOUT)
    }

    /// One message of a pipelined run, and the words its failure is told in.
    struct Request {
        let message: OpaquePointer
        let operation: String
        let object: String
        /// Restates a failure in the words of the classic tool (ipvsadm's meanings).
        var explain: (KernelError) -> KernelError = { $0 }
    }

    /// What a pipelined run did: the first `sent` requests reached the kernel, and each of those
    /// that failed is in `failures` (by position); the others were made.
    struct Outcome {
        var sent = 0
        var failures: [Int: KernelError] = [:]

        /// Throws the first failure, if any.
        func check() throws(KernelError) {
            if let first = failures.keys.min(), let error = failures[first] { throw error }
        }
    }

    /// Socket buffers of 256 KiB (the kernel doubles them, within net.core.rmem_max): a chunk of up to
    /// `chunkBytes` of messages (~250 IPVS or address changes) in one send, and an error answer to each
    /// of them (~700 bytes of receive buffer apiece) queued at once.
    static let bufferSize = 256 * 1024
    static let chunkBytes = 16 * 1024
    private var nextSequence: UInt32 = 0x4000_0000

    /// Sends the requests (consumed) without waiting for an answer to each: as many as fit in
    /// `chunkBytes` in one send, only the last of a chunk asking for an acknowledgement (the kernel
    /// handles a send's messages in order and answers every failed one with its errno anyway), then
    /// reads the answers up to that acknowledgement. After a chunk with a failure nothing more is sent.
    func pipeline(_ requests: [Request]) -> Outcome {
        defer { for r in requests { nlmsg_free(r.message) } }
        var outcome = Outcome()
        let fd = nl_socket_get_fd(sock)
        let port = nl_socket_get_local_port(sock)
        var buffer: [UInt8] = []
        var start = 0
        while start < requests.count, outcome.failures.isEmpty {
            buffer.removeAll(keepingCapacity: true)
            var end = start
            let base = nextSequence
            while end < requests.count,
                end == start || buffer.count + Int(nlmsg_hdr(requests[end].message).pointee.nlmsg_len) + 4 <= Self.chunkBytes
            {
                let header = nlmsg_hdr(requests[end].message)!
                header.pointee.nlmsg_seq = base &+ UInt32(end - start)
                header.pointee.nlmsg_pid = port
                header.pointee.nlmsg_flags |= UInt16(NLM_F_REQUEST)
                let length = Int(header.pointee.nlmsg_len)
                UnsafeRawPointer(header).withMemoryRebound(to: UInt8.self, capacity: length) {
                    buffer.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
                buffer.append(contentsOf: repeatElement(0, count: (4 - length % 4) % 4))
                end += 1
            }
            let last = nlmsg_hdr(requests[end - 1].message)!
            let ackOffset = buffer.count - ((Int(last.pointee.nlmsg_len) + 3) & ~3) + 6  // nlmsg_flags of the last message
            buffer[ackOffset] |= UInt8(NLM_F_ACK)
            nextSequence = base &+ UInt32(end - start)
            let sent = buffer.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            if sent != buffer.count {
                let e = sent < 0 ? Glibc.errno : EMSGSIZE
                for i in start..<end {
                    outcome.failures[i] = requests[i].explain(
                        .netlink(operation: requests[i].operation, object: requests[i].object, errno: e))
                }
                outcome.sent = end
                return outcome
            }
            outcome.sent = end
            if let e = readAnswers(
                fd, base: base, count: end - start,
                into: { i, error in
                    outcome.failures[start + i] = requests[start + i].explain(
                        .netlink(operation: requests[start + i].operation, object: requests[start + i].object, errno: error))
                })
            {
                // No acknowledgement: the last request's fate is unknown, so it counts as failed.
                if outcome.failures[end - 1] == nil {
                    outcome.failures[end - 1] =
                        e == EAGAIN
                        ? Self.silence(requests[end - 1].operation, requests[end - 1].object)
                        : .netlink(operation: requests[end - 1].operation, object: requests[end - 1].object, errno: e)
                }
            }
            start = end
        }
        return outcome
    }

    /// Reads answers until the acknowledgement (or error) of message `base + count - 1`, calling
    /// `failed` with the position and errno of each error answer. Returns the errno that stopped reading, if any.
    private func readAnswers(_ fd: Int32, base: UInt32, count: Int, into failed: (Int, Int32) -> Void) -> Int32? {
        var answer = [UInt8](repeating: 0, count: 64 * 1024)
        let lastSequence = base &+ UInt32(count - 1)
        while true {
            let n = answer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                return Glibc.errno
            }
            var offset = 0
            var finished = false
            answer.withUnsafeBytes { raw in
                while offset + MemoryLayout<nlmsghdr>.size <= n {
                    let header = raw.loadUnaligned(fromByteOffset: offset, as: nlmsghdr.self)
                    guard header.nlmsg_len >= UInt32(MemoryLayout<nlmsghdr>.size) else { break }
                    let position = Int(header.nlmsg_seq &- base)
                    if header.nlmsg_type == UInt16(NLMSG_ERROR), position >= 0, position < count {
                        let error = raw.loadUnaligned(fromByteOffset: offset + MemoryLayout<nlmsghdr>.size, as: Int32.self)
                        if error != 0 { failed(position, -error) }
                        if header.nlmsg_seq == lastSequence { finished = true }
                    }
                    offset += (Int(header.nlmsg_len) + 3) & ~3
                }
            }
            if finished { return nil }
        }
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
