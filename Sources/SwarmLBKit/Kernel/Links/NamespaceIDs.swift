import CNetlink
import Glibc

/// The names under /run/netns by the id the current namespace gives each (RTM_GETNSID), as
/// iproute2's netns_map_init builds them to print `link-netns NAME` instead of `link-netnsid N`.
/// `ip netns identify` by other means; a name whose namespace has no id here is left out.
enum NamespaceIDs {
    static func names(socket: NetlinkSocket, directory: String = "/run/netns") -> [Int32: String] {
        guard let dir = opendir(directory) else { return [:] }
        var entries: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { entries.append(name) }
        }
        closedir(dir)
        var names: [Int32: String] = [:]
        for name in entries {
            let fd = open(directory + "/" + name, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            // iproute2 keeps each in a hash whose lookup finds the name read last: so does this.
            if let id = try? id(of: fd, socket: socket), id >= 0 { names[id] = name }
        }
        return names
    }

    private static func id(of fd: Int32, socket: NetlinkSocket) throws(KernelError) -> Int32? {
        guard let msg = nlmsg_alloc_simple(Int32(RTM_GETNSID), NLM_F_ACK) else {
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var header = rtgenmsg(rtgen_family: UInt8(AF_UNSPEC))
        var value = UInt32(bitPattern: fd)
        guard nlmsg_append(msg, &header, MemoryLayout<rtgenmsg>.size, Int32(NLMSG_ALIGNTO)) == 0,
            nla_put(msg, Int32(NETNSA_FD), 4, &value) == 0
        else {
            nlmsg_free(msg)
            throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM)
        }
        var found: Int32?
        try socket.request(msg, operation: "reading the id of", object: "namespace") { m in
            guard let nlh = nlmsg_hdr(m), nlh.pointee.nlmsg_type == RTM_NEWNSID, let data = nlmsg_data(nlh) else { return }
            let bytes = Array(UnsafeRawBufferPointer(start: data, count: Int(nlmsg_datalen(nlh))))
            let attributes = NetlinkAttributes(bytes[...].dropFirst(4))
            found = attributes.u32(NETNSA_NSID).map { Int32(bitPattern: $0) }
        }
        return found
    }
}
