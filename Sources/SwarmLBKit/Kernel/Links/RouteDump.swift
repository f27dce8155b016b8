import CNetlink
import Glibc

/// One answer of an rtnetlink dump: its message type and its bytes after the netlink header.
struct RouteMessage {
    let type: UInt16
    let payload: ArraySlice<UInt8>

    /// The attributes after the message's fixed header of `headerSize` bytes.
    func attributes(after headerSize: Int) -> NetlinkAttributes {
        NetlinkAttributes(payload.dropFirst((headerSize + 3) & ~3))
    }
}

extension NetlinkSocket {
    /// Sends a dump request (`type`, a fixed header of `header`'s bytes, then `attributes` as u32
    /// values) and returns every answer in the kernel's order, as iproute2's rtnl_dump_filter reads them.
    func dump(
        _ type: Int32, header: [UInt8], attributes: [(type: Int32, value: UInt32)] = [], operation: String, object: String
    ) throws(KernelError) -> [RouteMessage] {
        guard let msg = nlmsg_alloc_simple(type, NLM_F_DUMP) else {
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var fixed = header
        var built = nlmsg_append(msg, &fixed, fixed.count, Int32(NLMSG_ALIGNTO)) == 0
        for a in attributes where built {
            var v = a.value
            built = nla_put(msg, a.type, 4, &v) == 0
        }
        guard built else {
            nlmsg_free(msg)
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var answers: [RouteMessage] = []
        try request(msg, operation: operation, object: object) { m in
            guard let nlh = nlmsg_hdr(m), let data = nlmsg_data(nlh) else { return }
            let bytes = Array(UnsafeRawBufferPointer(start: data, count: Int(nlmsg_datalen(nlh))))
            answers.append(RouteMessage(type: nlh.pointee.nlmsg_type, payload: bytes[...]))
        }
        return answers
    }

    /// Asks the kernel to check dump requests strictly (NETLINK_GET_STRICT_CHK), as iproute2 does
    /// before `bridge fdb show`, so that a family's own fixed header is read as such.
    func checkDumpsStrictly() {
        var one: Int32 = 1
        _ = setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, 12, &one, socklen_t(MemoryLayout<Int32>.size))
    }
}
