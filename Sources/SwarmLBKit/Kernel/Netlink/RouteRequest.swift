import CNetlink
import Glibc

/// An rtnetlink request being built (header, then attributes, nests included) over libnl's message
/// buffer, for the link and neighbour changes libnl's objects do not spell (VXLAN's and veth's
/// attributes, a peer's namespace, `self` FDB entries). The message is consumed by `NetlinkSocket.request`.
struct RouteRequest {
    let message: OpaquePointer
    private let object: String

    /// A message of `type` with `flags` (NLM_F_CREATE, ...) and `header` (ifinfomsg, ndmsg) as its fixed
    /// part, in a buffer of `size` bytes (nil: libnl's default, a page; a pipelined run of a thousand
    /// small messages would otherwise zero a page for each).
    init<Header>(type: Int32, flags: Int32, header: Header, object: String, size: Int? = nil) throws(KernelError) {
        self.object = object
        guard let m = size.map({ Self.sized($0, type: type, flags: flags) }) ?? nlmsg_alloc_simple(type, flags) else {
            throw .netlink(operation: "allocating", object: object, errno: ENOMEM)
        }
        message = m
        var h = header
        guard nlmsg_append(m, &h, MemoryLayout<Header>.size, Int32(NLMSG_ALIGNTO)) == 0 else {
            nlmsg_free(m)
            throw .netlink(operation: "allocating", object: object, errno: ENOMEM)
        }
    }

    /// nlmsg_alloc_simple's message (port and sequence 0: libnl's "fill in when sent") in `size` bytes.
    private static func sized(_ size: Int, type: Int32, flags: Int32) -> OpaquePointer? {
        guard let m = nlmsg_alloc_size(size) else { return nil }
        if nlmsg_put(m, 0, 0, type, 0, flags) == nil {
            nlmsg_free(m)
            return nil
        }
        return m
    }

    /// Appends raw bytes to the message (a nested ifinfomsg, as veth's peer carries).
    func append<Header>(_ header: Header) throws(KernelError) {
        var h = header
        try check(nlmsg_append(message, &h, MemoryLayout<Header>.size, Int32(NLMSG_ALIGNTO)))
    }

    func put(_ type: Int32, bytes: [UInt8]) throws(KernelError) {
        try check(bytes.withUnsafeBytes { nla_put(message, type, Int32($0.count), $0.baseAddress) })
    }

    func put(_ type: Int32, string: String) throws(KernelError) { try check(nla_put_string(message, type, string)) }
    func put(_ type: Int32, u8 value: UInt8) throws(KernelError) { try check(nla_put_u8(message, type, value)) }
    func put(_ type: Int32, u32 value: UInt32) throws(KernelError) { try check(nla_put_u32(message, type, value)) }
    /// A 16-bit value in network order (a UDP port).
    func put(_ type: Int32, be16 value: UInt16) throws(KernelError) { try check(nla_put_u16(message, type, value.bigEndian)) }
    /// An IPv4 address, 4 bytes in network order.
    func put(_ type: Int32, address: IPv4Address) throws(KernelError) {
        var raw = address.networkOrder
        try check(nla_put(message, type, 4, &raw))
    }

    /// Attributes written by `body` nested in one attribute of `type`.
    func nest(_ type: Int32, _ body: () throws(KernelError) -> Void) throws(KernelError) {
        guard let start = nla_nest_start(message, type) else {
            nlmsg_free(message)
            throw failure
        }
        try body()
        try check(nla_nest_end(message, start))
    }

    /// Frees a message that will not be sent.
    func discard() { nlmsg_free(message) }

    private var failure: KernelError { .netlink(operation: "building request for", object: object, errno: EMSGSIZE) }

    private func check(_ r: Int32) throws(KernelError) {
        if r < 0 {
            nlmsg_free(message)
            throw failure
        }
    }
}
