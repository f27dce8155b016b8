import CLinux
import Glibc
import SwarmLBKit
import Synchronization

/// The resolver's UDP socket, served in batches by one thread of its own: recvmmsg(2) takes up to
/// `batch` datagrams at once (waiting for the first), each reply is written in place, and
/// sendmmsg(2) sends them together. Nothing is allocated per query, so a query costs little beyond
/// the kernel's own work (an event loop's per-datagram objects cost more than the lookup itself).
public final class DatagramBatchSocket: @unchecked Sendable {
    /// Where a datagram came from, kept to answer it later (a forwarded query's reply).
    public struct Peer: Sendable, CustomStringConvertible {
        let address: sockaddr_in

        /// `127.0.0.1:41163`
        public var description: String {
            var a = address.sin_addr
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            inet_ntop(AF_INET, &a, &text, socklen_t(text.count))
            return
                "\(String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(UInt16(bigEndian: address.sin_port))"
        }
    }

    public static let batch = 32
    /// Room for each datagram and each reply: the EDNS0 payload size the resolver advertises.
    public static let slotSize = 4096

    private let fd: Int32
    public let port: UInt16
    private let stopped = Atomic(false)
    private let inputs: UnsafeMutableRawPointer
    private let outputs: UnsafeMutableRawPointer
    private let peers: UnsafeMutablePointer<sockaddr_in>
    private let vectors: UnsafeMutablePointer<iovec>  // batch for inputs, then batch for outputs
    private let received: UnsafeMutablePointer<swlb_mmsghdr>
    private let replies: UnsafeMutablePointer<swlb_mmsghdr>

    /// Binds `address`:`port` (0: a free port), as `socket(2)` + `bind(2)` with SO_REUSEADDR.
    public init(address: IPv4Address, port: UInt16) throws(KernelError) {
        let object = "UDP \(address):\(port)"
        let fd = try syscall("socket", object) { socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        do throws(KernelError) {
            var one: Int32 = 1
            try syscall("setsockopt SO_REUSEADDR", object) {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            sa.sin_addr.s_addr = address.value.bigEndian
            try syscall("bind", object) {
                withUnsafePointer(to: &sa) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            try syscall("getsockname", object) {
                withUnsafeMutablePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            }
            self.fd = fd
            self.port = UInt16(bigEndian: sa.sin_port)
        } catch {
            close(fd)
            throw error
        }
        let n = Self.batch
        inputs = .allocate(byteCount: n * Self.slotSize, alignment: 16)
        outputs = .allocate(byteCount: n * Self.slotSize, alignment: 16)
        peers = .allocate(capacity: n)
        vectors = .allocate(capacity: 2 * n)
        received = .allocate(capacity: n)
        replies = .allocate(capacity: n)
        for i in 0..<n {
            vectors[i] = iovec(iov_base: inputs + i * Self.slotSize, iov_len: Self.slotSize)
            vectors[n + i] = iovec(iov_base: outputs + i * Self.slotSize, iov_len: 0)
        }
    }

    deinit {
        close(fd)
        inputs.deallocate()
        outputs.deallocate()
        peers.deallocate()
        vectors.deallocate()
        received.deallocate()
        replies.deallocate()
    }

    /// Receives a batch, waiting for its first datagram, and sends the replies: `answer(packet,
    /// peer, reply)` writes into `reply` (`slotSize` bytes) and returns the length, 0 for none.
    /// Returns false once `shutdown` was called.
    public func serveBatch(_ answer: (UnsafeRawBufferPointer, () -> Peer, UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        let n = Self.batch
        for i in 0..<n {
            received[i] = swlb_mmsghdr()
            received[i].msg_hdr.msg_name = UnsafeMutableRawPointer(peers + i)
            received[i].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_in>.size)
            received[i].msg_hdr.msg_iov = vectors + i
            received[i].msg_hdr.msg_iovlen = 1
        }
        let count = swlb_recvmmsg_waitforone(fd, received, UInt32(n))
        // After shutdown(2) every receive returns at once, as an empty datagram.
        if stopped.load(ordering: .acquiring) { return false }
        if count < 0 { return true }  // EINTR, or an ICMP error left by an earlier reply: go on
        var out = 0
        for i in 0..<Int(count) {
            let header = received[i]
            // A datagram larger than a slot is no query of ours (MSG_TRUNC): no answer.
            guard header.msg_hdr.msg_flags & Int32(MSG_TRUNC) == 0 else { continue }
            let packet = UnsafeRawBufferPointer(start: inputs + i * Self.slotSize, count: Int(header.msg_len))
            let reply = UnsafeMutableRawBufferPointer(start: outputs + i * Self.slotSize, count: Self.slotSize)
            let length = answer(packet, { Peer(address: self.peers[i]) }, reply)
            guard length > 0 else { continue }
            vectors[n + i].iov_len = length
            replies[out] = swlb_mmsghdr()
            replies[out].msg_hdr.msg_name = UnsafeMutableRawPointer(peers + i)
            replies[out].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_in>.size)
            replies[out].msg_hdr.msg_iov = vectors + n + i
            replies[out].msg_hdr.msg_iovlen = 1
            out += 1
        }
        var sent = 0
        while sent < out {
            let result = swlb_sendmmsg(fd, replies + sent, UInt32(out - sent))
            // A reply the kernel refuses (a client gone, a firewall) is skipped, not retried.
            sent += result > 0 ? Int(result) : (errno == EINTR ? 0 : 1)
        }
        return true
    }

    /// Sends one datagram to `peer` from any thread (a forwarded query's reply), as sendto(2).
    public func send(_ bytes: UnsafeRawBufferPointer, to peer: Peer) {
        var address = peer.address
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// Makes `serveBatch` return false, at once if it is waiting: shutdown(2) wakes a blocked
    /// receive even on an unconnected UDP socket.
    public func shutdown() {
        stopped.store(true, ordering: .releasing)
        _ = Glibc.shutdown(fd, Int32(SHUT_RD))
    }
}
