import CNetlink
import Glibc

/// The IPVS table of the current network namespace, over generic netlink (family "IPVS").
/// Mirrors `ipvsadm`: -A/-E/-D for services, -a/-e/-d for real servers, -L for listing.
/// Create it after entering the namespace: the sockets stay bound to the namespace they were made in.
public final class IPVSTable {
    private let socket: NetlinkSocket
    private let family: Int32
    /// A raw IPv4 socket for ipvsadm's first interface (getsockopt IP_VS_SO_GET_*), opened by the first
    /// `fwmarkListing`, which alone needs it (and CAP_NET_RAW); -1 until then.
    private var optionSocket: Int32 = -1

    public init() throws(KernelError) {
        var socket = try NetlinkSocket(protocol: NETLINK_GENERIC)
        var family = genl_ctrl_resolve(socket.sock, IPVS_GENL_NAME)
        if family < 0 {
            // As ipvsadm: try to load the module once, then ask again on a fresh socket.
            let loaded = KernelModule.load("ip_vs")
            socket = try NetlinkSocket(protocol: NETLINK_GENERIC)
            family = genl_ctrl_resolve(socket.sock, IPVS_GENL_NAME)
            if family < 0 {
                throw .ipvsUnavailable(
                    reason: loaded
                        ? "the IPVS netlink family is missing although ip_vs loaded"
                        : "no IPVS netlink family, and modprobe ip_vs failed")
            }
        }
        self.socket = socket
        self.family = family
    }

    deinit { if optionSocket >= 0 { close(optionSocket) } }

    // MARK: information

    /// IPVS version and connection table size, as in ipvsadm's header line.
    public func info() throws(KernelError) -> (version: UInt32, tableSize: UInt32) {
        var result: (UInt32, UInt32) = (0, 0)
        let msg = try message(IPVS_CMD_GET_INFO, flags: 0)
        try socket.request(msg, operation: "reading IPVS info", object: "") { reply in
            let tb = IPVSWire.parse(reply, max: Int(swlb_ipvs_info_attr_max()))
            result = (IPVSWire.u32(tb[Int(IPVS_INFO_ATTR_VERSION)]), IPVSWire.u32(tb[Int(IPVS_INFO_ATTR_CONN_TAB_SIZE)]))
        }
        return result
    }

    /// The connection timeouts (IPVS_CMD_GET_CONFIG), as `ipvsadm -L --timeout` reads them.
    public func timeouts() throws(KernelError) -> IPVSTimeouts {
        var result = IPVSTimeouts(tcp: 0, tcpFin: 0, udp: 0)
        let msg = try message(IPVS_CMD_GET_CONFIG, flags: 0)
        try socket.request(msg, operation: "reading IPVS timeouts", object: "") { reply in
            let tb = IPVSWire.parse(reply, max: Int(swlb_ipvs_cmd_attr_max()))
            result = IPVSTimeouts(
                tcp: IPVSWire.u32(tb[Int(IPVS_CMD_ATTR_TIMEOUT_TCP)]), tcpFin: IPVSWire.u32(tb[Int(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN)]),
                udp: IPVSWire.u32(tb[Int(IPVS_CMD_ATTR_TIMEOUT_UDP)]))
        }
        return result
    }

    // MARK: virtual services

    /// Every service with its counters and real servers, in ipvsadm's order: what `ipvsadm -Ln` reads.
    public func dump() throws(KernelError) -> IPVSSnapshot {
        let (version, size) = try info()
        let found = try services()
        // Sort positions, not the (large) entries themselves.
        let order = found.indices.sorted { IPVSOrder.before(found[$0].service.key, found[$1].service.key) }
        var entries: [IPVSSnapshot.Entry] = []
        entries.reserveCapacity(found.count)
        for i in order {
            var e = found[i]
            e.reals = try reals(of: e.service.key)
            entries.append(e)
        }
        return IPVSSnapshot(version: version, tableSize: size, entries: entries)
    }

    /// Every service with its counters, in the kernel's order, without real servers: one dump.
    public func services() throws(KernelError) -> [IPVSSnapshot.Entry] {
        try dumpServices { attr in
            IPVSWire.service(from: attr).map { IPVSSnapshot.Entry(service: $0, stats: IPVSWire.serviceStats(from: attr), reals: []) }
        }
    }

    /// Every service's settings, in the kernel's order, without counters or real servers (what
    /// planning compares): one dump.
    public func serviceSettings() throws(KernelError) -> [IPVSService] {
        try dumpServices(IPVSWire.service(from:))
    }

    private func dumpServices<T>(_ read: @escaping (UnsafeMutablePointer<nlattr>?) -> T?) throws(KernelError) -> [T] {
        var found: [T] = []
        let msg = try message(IPVS_CMD_GET_SERVICE, flags: NLM_F_DUMP)
        try socket.request(msg, operation: "listing IPVS services", object: "") { reply in
            let tb = IPVSWire.parse(reply, max: Int(swlb_ipvs_cmd_attr_max()))
            if let item = read(tb[Int(IPVS_CMD_ATTR_SERVICE)]) { found.append(item) }
        }
        return found
    }

    /// Every IPv4 fwmark service with its scheduler and real servers (thresholds included, counters
    /// not), for `apply` to check its file against: ipvsadm's first interface, getsockopt on a raw
    /// socket, IP_VS_SO_GET_SERVICES for every service at once, then IP_VS_SO_GET_DESTS per fwmark
    /// service, one system call each where netlink takes a dump per service (IPVS_CMD_GET_DEST needs
    /// the service, and a socket refuses a second dump in flight). Not /proc/net/ip_vs: kernel 6.1
    /// restarts each 4 KiB chunk of that listing at a position that also counts other namespaces'
    /// services, so beside them it leaves some of this namespace's out, and every restart walks the
    /// table from its start. Each request holds one slot more than the table had, so that a table
    /// that grew between two calls is seen; a service whose reals are not exactly the ones it was
    /// counted with (a change in between, or reals of the other family, which this interface leaves
    /// out) is listed without reals.
    /// Without CAP_NET_RAW (a raw socket refused), the listing vouches for nothing: netlink reads each service.
    public func fwmarkListing() throws(KernelError) -> IPVSRealListing {
        if optionSocket < 0 {
            optionSocket = Glibc.socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_RAW))
            if optionSocket < 0 {
                let e = errno
                if e == EPERM || e == EACCES { return IPVSRealListing(services: [:], complete: false) }
                throw .syscall(call: "socket", object: "IPVS sockopt (raw IPv4)", errno: e)
            }
        }
        var info = ip_vs_getinfo()
        var length = socklen_t(MemoryLayout<ip_vs_getinfo>.size)
        try syscall("getsockopt IP_VS_SO_GET_INFO", "IPVS") {
            getsockopt(optionSocket, Int32(IPPROTO_IP), swlb_ip_vs_so_get_info(), &info, &length)
        }
        let slots = Int(info.num_services) + 1
        let serviceSize = MemoryLayout<ip_vs_service_entry>.stride
        let servicesAt = swlb_ip_vs_services_offset()
        var table = [UInt8](repeating: 0, count: servicesAt + slots * serviceSize)
        table.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(slots), as: UInt32.self) }  // num_services
        length = socklen_t(table.count)
        try syscall("getsockopt IP_VS_SO_GET_SERVICES", "IPVS") {
            getsockopt(optionSocket, Int32(IPPROTO_IP), swlb_ip_vs_so_get_services(), &table, &length)
        }
        var found: [(mark: FirewallMark, scheduler: IPVSScheduler?, reals: Int)] = []
        var filled = 0
        table.withUnsafeBytes { raw in
            for i in 0..<slots {
                let e = raw.loadUnaligned(fromByteOffset: servicesAt + i * serviceSize, as: ip_vs_service_entry.self)
                guard e.protocol != 0 || e.fwmark != 0 else { break }  // the slots the kernel left empty
                filled += 1
                guard e.fwmark != 0 else { continue }
                let name = withUnsafeBytes(of: e.sched_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                found.append((FirewallMark(e.fwmark), IPVSScheduler(rawValue: name), Int(e.num_dests)))
            }
        }
        var services: [FirewallMark: IPVSRealListing.Service] = [:]
        services.reserveCapacity(found.count)
        var dests: [UInt8] = []
        for s in found {
            let reals = try reals(ofMark: s.mark, counted: s.reals, buffer: &dests)
            services[s.mark] = IPVSRealListing.Service(scheduler: s.scheduler, reals: reals)
        }
        return IPVSRealListing(services: services, complete: filled < slots)
    }

    /// The reals of one IPv4 fwmark service by IP_VS_SO_GET_DESTS, or nil unless there are exactly
    /// `counted` (the kernel fills as many slots as it has reals of the service's family).
    private func reals(ofMark mark: FirewallMark, counted: Int, buffer: inout [UInt8]) throws(KernelError) -> [RealServer]? {
        let destSize = MemoryLayout<ip_vs_dest_entry>.stride
        let destsAt = swlb_ip_vs_dests_offset()
        let slots = counted + 1
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: repeatElement(0, count: destsAt + slots * destSize))
        var request = ip_vs_get_dests()
        request.fwmark = mark.value
        request.num_dests = UInt32(slots)
        var empty = ip_vs_dest_entry()
        empty.conn_flags = .max  // no real's flags: marks a slot the kernel did not fill
        buffer.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: request, as: ip_vs_get_dests.self)
            for i in 0..<slots { raw.storeBytes(of: empty, toByteOffset: destsAt + i * destSize, as: ip_vs_dest_entry.self) }
        }
        var length = socklen_t(buffer.count)
        let r = getsockopt(optionSocket, Int32(IPPROTO_IP), swlb_ip_vs_so_get_dests(), &buffer, &length)
        if r < 0 {
            if errno == ESRCH { return nil }  // deleted since the services were read
            throw .syscall(call: "getsockopt IP_VS_SO_GET_DESTS", object: "FWM \(mark.value)", errno: errno)
        }
        var reals: [RealServer] = []
        reals.reserveCapacity(counted)
        buffer.withUnsafeBytes { raw in
            for i in 0..<slots {
                let e = raw.loadUnaligned(fromByteOffset: destsAt + i * destSize, as: ip_vs_dest_entry.self)
                guard e.conn_flags != .max else { break }
                var real = RealServer(
                    address: IPv4Address(networkOrder: e.addr), port: UInt16(bigEndian: e.port), weight: e.weight,
                    forwarding: ForwardingMethod(kernelValue: e.conn_flags), upperThreshold: e.u_threshold,
                    lowerThreshold: e.l_threshold, activeConnections: e.activeconns, inactiveConnections: e.inactconns)
                real.persistentConnections = e.persistconns
                reals.append(real)
            }
        }
        return reals.count == counted ? reals : nil
    }

    /// The service with this key, or nil. `ipvsadm -Ln -f 257`.
    public func service(_ key: IPVSService.Key) throws(KernelError) -> IPVSService? {
        var found: IPVSService?
        let msg = try message(IPVS_CMD_GET_SERVICE, flags: 0)
        try IPVSWire.putServiceKey(msg, key)
        do throws(KernelError) {
            try socket.request(msg, operation: "looking up IPVS service", object: key.description) { reply in
                let tb = IPVSWire.parse(reply, max: Int(swlb_ipvs_cmd_attr_max()))
                found = IPVSWire.service(from: tb[Int(IPVS_CMD_ATTR_SERVICE)])
            }
        } catch  where error.errno == ESRCH || error.errno == ENOENT {
            return nil
        }
        return found
    }

    /// Creates a virtual service. `ipvsadm -A -f 257 -s rr`.
    public func add(_ service: IPVSService) throws(KernelError) { try pipeline([.addService(service)]).check() }

    /// Changes a service's scheduler, persistence or flags. `ipvsadm -E -f 257 -s wrr`.
    public func update(_ service: IPVSService) throws(KernelError) { try pipeline([.updateService(service)]).check() }

    /// Deletes a virtual service and its real servers. `ipvsadm -D -f 257`.
    public func delete(_ key: IPVSService.Key) throws(KernelError) { try pipeline([.deleteService(key)]).check() }

    // MARK: real servers

    /// The real servers of a service. `ipvsadm -Ln -f 257`.
    public func reals(of key: IPVSService.Key) throws(KernelError) -> [RealServer] {
        var found: [RealServer] = []
        let msg = try message(IPVS_CMD_GET_DEST, flags: NLM_F_DUMP)
        try IPVSWire.putServiceKey(msg, key)
        try socket.request(msg, operation: "listing real servers of", object: key.description) { reply in
            let tb = IPVSWire.parse(reply, max: Int(swlb_ipvs_cmd_attr_max()))
            if let r = IPVSWire.real(from: tb[Int(IPVS_CMD_ATTR_DEST)], serviceFamily: IPVSWire.family(key)) { found.append(r) }
        }
        return found.sorted { IPVSOrder.before($0, $1) }
    }

    /// Adds a real server. `ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1`.
    public func add(_ real: RealServer, to key: IPVSService.Key) throws(KernelError) { try pipeline([.addReal(real, key)]).check() }

    /// Changes a real server's weight, forwarding or thresholds. `ipvsadm -e -f 257 -r 10.0.0.3:0 -w 0`.
    public func update(_ real: RealServer, in key: IPVSService.Key) throws(KernelError) { try pipeline([.updateReal(real, key)]).check() }

    /// Removes a real server. `ipvsadm -d -f 257 -r 10.0.0.3:0`.
    public func delete(_ real: RealServer, from key: IPVSService.Key) throws(KernelError) { try pipeline([.deleteReal(real, key)]).check() }

    // MARK: pipelined changes

    /// One change of the IPVS table, by ipvsadm's verb (-A, -E, -D, -a, -e, -d).
    enum Write {
        case addService(IPVSService), updateService(IPVSService), deleteService(IPVSService.Key)
        case addReal(RealServer, IPVSService.Key), updateReal(RealServer, IPVSService.Key), deleteReal(RealServer, IPVSService.Key)
    }

    /// Sends the changes without waiting for the kernel's answer to each (as `ipvsadm-restore` would
    /// if it could): see `NetlinkSocket.pipeline`. Throws only when a message cannot be built (nothing sent).
    func pipeline(_ writes: [Write]) throws(KernelError) -> NetlinkSocket.Outcome {
        var requests: [NetlinkSocket.Request] = []
        requests.reserveCapacity(writes.count)
        do throws(KernelError) {
            for w in writes { requests.append(try request(w)) }
        } catch {
            for r in requests { nlmsg_free(r.message) }
            throw error
        }
        return socket.pipeline(requests)
    }

    private func request(_ write: Write) throws(KernelError) -> NetlinkSocket.Request {
        switch write {
        case .addService(let s): return try serviceRequest(IPVS_CMD_NEW_SERVICE, s, "adding IPVS service", .addService)
        case .updateService(let s): return try serviceRequest(IPVS_CMD_SET_SERVICE, s, "editing IPVS service", .updateService)
        case .deleteService(let key):
            let msg = try message(IPVS_CMD_DEL_SERVICE, flags: 0)
            do throws(KernelError) { try IPVSWire.putServiceKey(msg, key) } catch { nlmsg_free(msg); throw error }
            return .init(message: msg, operation: "deleting IPVS service", object: key.description) {
                IPVSMeaning.explain($0, .deleteService)
            }
        case let .addReal(r, key): return try realRequest(IPVS_CMD_NEW_DEST, r, key, "adding real server", .addReal)
        case let .updateReal(r, key): return try realRequest(IPVS_CMD_SET_DEST, r, key, "editing real server", .updateReal)
        case let .deleteReal(r, key):
            let msg = try message(IPVS_CMD_DEL_DEST, flags: 0)
            do throws(KernelError) {
                try IPVSWire.putServiceKey(msg, key)
                try IPVSWire.putReal(msg, r, full: false)
            } catch { nlmsg_free(msg); throw error }
            return .init(message: msg, operation: "deleting real server", object: "\(r.endpoint) from \(key)") {
                IPVSMeaning.explain($0, .deleteReal)
            }
        }
    }

    private func serviceRequest(
        _ cmd: some BinaryInteger, _ service: IPVSService, _ operation: String,
        _ meaning: IPVSMeaning.Request
    ) throws(KernelError) -> NetlinkSocket.Request {
        let msg = try message(cmd, flags: 0)
        do throws(KernelError) { try IPVSWire.putService(msg, service) } catch { nlmsg_free(msg); throw error }
        let engine = service.persistenceEngine != nil
        return .init(message: msg, operation: operation, object: service.key.description) {
            IPVSMeaning.explain($0, meaning, persistenceEngine: engine)
        }
    }

    private func realRequest(
        _ cmd: some BinaryInteger, _ real: RealServer, _ key: IPVSService.Key, _ operation: String,
        _ meaning: IPVSMeaning.Request
    ) throws(KernelError) -> NetlinkSocket.Request {
        let msg = try message(cmd, flags: 0)
        do throws(KernelError) {
            try IPVSWire.putServiceKey(msg, key)
            try IPVSWire.putReal(msg, real, full: true)
        } catch { nlmsg_free(msg); throw error }
        let object = "\(real.endpoint) in \(key)"
        return .init(message: msg, operation: operation, object: object) { error in
            if error.errno == EINVAL, !Loopback.isUp() {
                return .netlink(
                    operation: operation,
                    object: "\(object) (the namespace's lo is down; "
                        + "IPVS refuses real servers until it is up: swarmlb brings it up on add)", errno: EINVAL)
            }
            return IPVSMeaning.explain(error, meaning)
        }
    }

    // MARK: wire

    private func message(_ cmd: some BinaryInteger, flags: Int32) throws(KernelError) -> OpaquePointer {
        guard let msg = nlmsg_alloc() else { throw .netlink(operation: "allocating", object: "netlink message", errno: ENOMEM) }
        guard
            genlmsg_put(
                msg, UInt32(swlb_nl_auto_port()), UInt32(swlb_nl_auto_seq()), family, 0, flags,
                UInt8(cmd), UInt8(IPVS_GENL_VERSION)) != nil
        else {
            nlmsg_free(msg)
            throw .netlink(operation: "building", object: "IPVS message", errno: ENOMEM)
        }
        return msg
    }
}

/// What ipvsadm (libipvs's ipvs_strerror) says for an errno of each IPVS request, so an operator
/// reads "Service not defined" rather than "No such process (ESRCH)".
public enum IPVSMeaning {
    public enum Request: Sendable { case addService, updateService, deleteService, addReal, updateReal, deleteReal, list }

    public static func meaning(_ request: Request, errno e: Int32, persistenceEngine: Bool = false) -> String? {
        switch (request, e) {
        case (.addService, EEXIST): return "Service already exists"
        // Without --pe the missing module can only be the scheduler's.
        case (.addService, ENOENT), (.updateService, ENOENT):
            return persistenceEngine ? "Scheduler or persistence engine not found" : "Scheduler not found"
        case (.updateService, ESRCH), (.deleteService, ESRCH), (.list, ESRCH), (.list, ENOENT): return "No such service"
        case (.addReal, ESRCH), (.addReal, ENOENT), (.updateReal, ESRCH), (.deleteReal, ESRCH): return "Service not defined"
        case (.addReal, EEXIST): return "Destination already exists"
        case (.updateReal, ENOENT), (.deleteReal, ENOENT): return "No such destination"
        case (_, EPERM): return "Permission denied (you must be root)"
        case (_, EINVAL): return "Invalid operation.  Possibly wrong module version, address not unicast, ..."
        case (_, ENOPROTOOPT): return "Protocol not available"
        case (_, ENOMEM): return "Memory allocation problem"
        case (_, EOPNOTSUPP): return "Operation not supported with IPv6"
        case (_, EAFNOSUPPORT): return "Operation not supported with specified address family"
        case (_, EMSGSIZE): return "Module is wrong version"
        default: return nil
        }
    }

    /// A netlink failure restated with ipvsadm's meaning; other errors unchanged.
    static func explain(_ error: KernelError, _ request: Request, persistenceEngine: Bool = false) -> KernelError {
        guard case let .netlink(operation, object, e) = error,
            let meaning = meaning(request, errno: e, persistenceEngine: persistenceEngine)
        else { return error }
        return .ipvs(operation: operation, object: object, errno: e, meaning: meaning)
    }
}
