import CLinux
import Glibc
import SwarmLBKit
import Synchronization

/// A server's socket address (IPv4 or IPv6), kept by value, as the exchanges connect to it.
public struct DatagramServer: Sendable {
    fileprivate var storage = sockaddr_storage()
    fileprivate var length: socklen_t
    /// `10.0.0.1:53`, for logs.
    public let name: String

    public init(address: UnsafePointer<sockaddr>, length: Int, name: String) {
        self.length = socklen_t(min(length, MemoryLayout<sockaddr_storage>.size))
        self.name = name
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(self.length))) }
    }

    fileprivate var family: Int32 { Int32(storage.ss_family) }

    /// True when `other` (`otherLength` bytes, as recvfrom(2) wrote it) is this address and port.
    fileprivate func matches(_ other: UnsafeRawBufferPointer) -> Bool {
        withUnsafeBytes(of: storage) { mine in
            switch family {
            case AF_INET:  // family, port, address: the first 8 bytes of a sockaddr_in
                return other.count >= 8 && memcmp(mine.baseAddress!, other.baseAddress!, 8) == 0
            case AF_INET6:  // family, port, flow info (ignored), address
                return other.count >= 24 && memcmp(mine.baseAddress!, other.baseAddress!, 4) == 0
                    && memcmp(mine.baseAddress! + 8, other.baseAddress! + 8, 16) == 0
            default:
                return false
            }
        }
    }
}

/// Datagram exchanges with servers (a query out, the reply back), each on a socket no other
/// outstanding exchange uses: socket(2) + connect(2), so it leaves from a port the kernel picked at
/// random and the kernel drops datagrams from any other address or port. A socket whose exchange
/// was answered goes back to a pool of its server's idle sockets: an exchange takes a new socket
/// while fewer than `choice` are idle, else one of them at random, and a socket is closed after
/// `uses` exchanges (and at once after a timeout or error), so ports keep changing and an off-path
/// forger must guess one of at least `choice` random ports as well as the id and the question.
/// Creating and closing a socket costs more than the exchange itself (a third of the CPU time of
/// a forwarded query); the pool makes that once per `uses` exchanges.
///
/// The sockets are made by one thread of this object's own, created with it, so they belong to the
/// network namespace of the thread that created this object (as `nsenter --net=NS dig @SERVER`
/// would send from NS); `start` may be called from any thread. Replies, failures and timeouts are
/// delivered on that thread, which waits on them all with one epoll set.
public final class DatagramExchanges: @unchecked Sendable {
    public enum Failure: Sendable, Equatable {
        case timedOut
        /// The kernel could not send or reported the server unreachable (ICMP port/host unreachable).
        case unreachable(errno: Int32)
    }

    /// One exchange. `accept` sees each datagram from the connected server (`fromServer` false if
    /// its source address differs, which the kernel should never let through), in a buffer it may
    /// change until it returns, and returns true when it is the reply, which ends the exchange;
    /// `fail` ends it otherwise. Both run on the exchanges' thread.
    private final class Exchange: @unchecked Sendable {  // handed to the thread once, then touched by it only
        let server: DatagramServer
        let query: [UInt8]
        let accept: @Sendable (UnsafeMutableRawBufferPointer, _ fromServer: Bool) -> Bool
        let fail: @Sendable (Failure) -> Void
        var fd: Int32 = -1
        init(
            server: DatagramServer, query: [UInt8], accept: @escaping @Sendable (UnsafeMutableRawBufferPointer, Bool) -> Bool,
            fail: @escaping @Sendable (Failure) -> Void
        ) {
            self.server = server
            self.query = query
            self.accept = accept
            self.fail = fail
        }
    }

    private let epoll: Int32
    private let wake: Int32
    private let timeout: UInt64
    private let choice: Int
    private let uses: Int
    private let strays = Atomic(0)
    private let inbox = Mutex<[Exchange]>([])
    private let stopped = Atomic(false)
    private var thread = pthread_t()
    // Touched by the thread only.
    private var pending: [Int32: Exchange] = [:]
    /// Answered sockets ready for another exchange with the same server (by server name), and how
    /// many exchanges each socket has had.
    private var idle: [String: [Int32]] = [:]
    private var used: [Int32: Int] = [:]
    private var deadlines: [(at: UInt64, exchange: Exchange)] = []
    private var firstDeadline = 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)

    /// Starts the thread, in the calling thread's network namespace. `timeoutSeconds`: how long an
    /// exchange waits for its reply; `choice` and `uses`: see the type (1 use: a new socket for
    /// every exchange).
    public init(timeoutSeconds: Double, choice: Int = 64, uses: Int = 16) throws(KernelError) {
        self.choice = max(1, choice)
        self.uses = max(1, uses)
        epoll = try syscall("epoll_create1", "upstream exchanges") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        do throws(KernelError) {
            wake = try syscall("eventfd", "upstream exchanges") { swlb_eventfd() }
        } catch {
            close(epoll)
            throw error
        }
        timeout = UInt64(timeoutSeconds * 1e9)
        _ = swlb_epoll_add(epoll, wake)
        let me = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<DatagramExchanges>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            }, me)
        if created != 0 {
            Unmanaged<DatagramExchanges>.fromOpaque(me).release()
            throw .syscall(call: "pthread_create", object: "upstream exchanges", errno: created)
        }
    }

    deinit {
        close(epoll)
        close(wake)
        buffer.deallocate()
    }

    /// Sends `query` to `server` from a new socket and waits for the reply (see `Exchange`).
    public func start(
        _ query: [UInt8], to server: DatagramServer,
        accept: @escaping @Sendable (UnsafeMutableRawBufferPointer, _ fromServer: Bool) -> Bool,
        fail: @escaping @Sendable (Failure) -> Void
    ) {
        let exchange = Exchange(server: server, query: query, accept: accept, fail: fail)
        let first = inbox.withLock { list in
            list.append(exchange)
            return list.count == 1
        }
        if first { signal() }
    }

    /// Datagrams that arrived on an idle socket (no exchange waiting), dropped.
    public var strayDatagrams: Int { strays.load(ordering: .relaxed) }

    /// Ends the thread; exchanges still open are dropped unanswered.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        signal()
        pthread_join(thread, nil)
        for fd in pending.keys { close(fd) }
        for fd in idle.values.joined() { close(fd) }
        pending = [:]
        idle = [:]
    }

    private func signal() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    private static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    private func run() {
        var ready = [Int32](repeating: 0, count: 64)
        while !stopped.load(ordering: .acquiring) {
            let count = ready.withUnsafeMutableBufferPointer { swlb_epoll_wait_fds(epoll, $0.baseAddress, 64, waitMilliseconds()) }
            for i in 0..<max(0, Int(count)) {
                let fd = ready[i]
                if fd == wake {
                    var value: UInt64 = 0
                    _ = read(wake, &value, 8)
                    for exchange in inbox.withLock({ list in
                        defer { list = [] }; return list
                    }) { begin(exchange) }
                } else if let exchange = pending[fd] {
                    receive(exchange)
                } else {
                    drain(fd)  // an idle socket: nothing of it is awaited
                }
            }
            expire()
        }
    }

    /// Until the earliest deadline, rounded up; -1 (forever) when nothing waits.
    private func waitMilliseconds() -> Int32 {
        while firstDeadline < deadlines.count, deadlines[firstDeadline].exchange.fd < 0 { firstDeadline += 1 }
        guard firstDeadline < deadlines.count else { return -1 }
        let now = Self.now(), at = deadlines[firstDeadline].at
        return at <= now ? 0 : Int32(min((at - now + 999_999) / 1_000_000, 60_000))
    }

    private func begin(_ exchange: Exchange) {
        let server = exchange.server
        var fd: Int32 = -1
        if var sockets = idle[server.name], sockets.count >= choice {
            sockets.swapAt(Int.random(in: sockets.indices), sockets.count - 1)
            fd = sockets.removeLast()
            idle[server.name] = sockets
        } else {
            fd = socket(server.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { return exchange.fail(.unreachable(errno: errno)) }
            let connected = withUnsafeBytes(of: server.storage) {
                connect(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), server.length)
            }
            guard connected == 0, swlb_epoll_add(epoll, fd) == 0 else {
                let e = errno
                close(fd)
                return exchange.fail(.unreachable(errno: e))
            }
            used[fd] = 0
        }
        exchange.fd = fd
        pending[fd] = exchange
        guard exchange.query.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) >= 0 else {
            let e = errno
            finish(exchange, reuse: false)
            return exchange.fail(.unreachable(errno: e))
        }
        deadlines.append((Self.now() + timeout, exchange))
    }

    private func receive(_ exchange: Exchange) {
        let fd = exchange.fd
        var source = sockaddr_storage()
        while exchange.fd >= 0 {
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = withUnsafeMutablePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, buffer.baseAddress, buffer.count, 0, $0, &length) }
            }
            if n < 0 {
                let e = errno
                if e == EAGAIN || e == EINTR { return }
                finish(exchange, reuse: false)
                return exchange.fail(.unreachable(errno: e))
            }
            let fromServer = withUnsafeBytes(of: &source) { exchange.server.matches(UnsafeRawBufferPointer(rebasing: $0[..<Int(length)])) }
            if exchange.accept(UnsafeMutableRawBufferPointer(rebasing: buffer[..<n]), fromServer) { finish(exchange, reuse: true) }
        }
    }

    /// Ends the exchange; its socket goes back to the idle pool when `reuse` and it has uses left,
    /// else is closed (which also takes it out of the epoll set).
    private func finish(_ exchange: Exchange, reuse: Bool) {
        let fd = exchange.fd
        pending[fd] = nil
        exchange.fd = -1
        let count = (used[fd] ?? 0) + 1
        if reuse, count < uses {
            used[fd] = count
            idle[exchange.server.name, default: []].append(fd)
        } else {
            used[fd] = nil
            close(fd)
        }
    }

    /// Reads and drops what an idle socket received (a server's late duplicate, or a forgery).
    private func drain(_ fd: Int32) {
        while recv(fd, buffer.baseAddress, buffer.count, 0) >= 0 { strays.wrappingAdd(1, ordering: .relaxed) }
        if errno != EAGAIN && errno != EINTR {  // an ICMP error: the socket is of no more use
            for (name, sockets) in idle where sockets.contains(fd) { idle[name] = sockets.filter { $0 != fd } }
            used[fd] = nil
            close(fd)
        }
    }

    private func expire() {
        let now = Self.now()
        while firstDeadline < deadlines.count, deadlines[firstDeadline].at <= now {
            let exchange = deadlines[firstDeadline].exchange
            firstDeadline += 1
            if exchange.fd >= 0 {
                finish(exchange, reuse: false)
                exchange.fail(.timedOut)
            }
        }
        if firstDeadline > 1024, firstDeadline * 2 > deadlines.count {
            deadlines.removeFirst(firstDeadline)
            firstDeadline = 0
        }
    }
}
