import CIPTC
import Glibc

/// A match or target extension as x_tables takes it: name, revision and payload padded to XT_ALIGN.
/// Legacy entries carry it after an xt_entry_match/target header; iptables-nft carries the same
/// bytes in a compat `match`/`target` expression.
struct XTExtension: Hashable, Sendable {
    var name: String
    var revision: UInt8
    var payload: [UInt8]
}

/// Translates between `IPTablesRule` and the kernel's `ipt_entry` layout (entry, matches, target),
/// using the xtables payload structs iptables itself writes (MARK rev 2, SNAT/DNAT rev 2, ...).
enum RuleCodec {
    private static let entrySize = Int(swlb_ipt_entry_size())
    private static let matchHeader = Int(swlb_xt_entry_match_size())
    private static let targetHeader = Int(swlb_xt_entry_target_size())

    // MARK: encoding

    /// The entry bytes libiptc's append/insert expect.
    static func encode(_ rule: IPTablesRule) -> [UInt8] {
        var matches: [UInt8] = []
        for m in rule.matches { matches += record(header: matchHeader, xtExtension(m)) }
        let target = encode(rule.target)
        var bytes = [UInt8](repeating: 0, count: entrySize + matches.count + target.count)
        bytes.withUnsafeMutableBytes { raw in
            let e = raw.baseAddress!.assumingMemoryBound(to: ipt_entry.self)
            fillIP(e, rule)
            e.pointee.target_offset = UInt16(entrySize + matches.count)
            e.pointee.next_offset = UInt16(entrySize + matches.count + target.count)
            raw.baseAddress!.advanced(by: entrySize).copyMemory(from: matches, byteCount: matches.count)
            raw.baseAddress!.advanced(by: entrySize + matches.count).copyMemory(from: target, byteCount: target.count)
        }
        return bytes
    }

    /// The ipt_ip part of the zeroed entry `e`: addresses, interfaces, protocol, inversions, flags.
    private static func fillIP(_ e: UnsafeMutablePointer<ipt_entry>, _ rule: IPTablesRule) {
        if let s = rule.source {
            e.pointee.ip.src.s_addr = s.network.networkOrder
            e.pointee.ip.smsk.s_addr = (rule.sourceMask ?? s.mask).bigEndian
        }
        if let d = rule.destination {
            e.pointee.ip.dst.s_addr = d.network.networkOrder
            e.pointee.ip.dmsk.s_addr = (rule.destinationMask ?? d.mask).bigEndian
        }
        if let i = rule.inInterface {
            withUnsafeMutableBytes(of: &e.pointee.ip.iniface) { setInterface(i, name: $0) }
            withUnsafeMutableBytes(of: &e.pointee.ip.iniface_mask) { setInterfaceMask(i, mask: $0) }
        }
        if let o = rule.outInterface {
            withUnsafeMutableBytes(of: &e.pointee.ip.outiface) { setInterface(o, name: $0) }
            withUnsafeMutableBytes(of: &e.pointee.ip.outiface_mask) { setInterfaceMask(o, mask: $0) }
        }
        e.pointee.ip.proto = rule.proto ?? 0
        e.pointee.ip.invflags = rule.negated.rawValue
        e.pointee.ip.flags = (rule.fragment ? UInt8(IPT_F_FRAG) : 0) | (rule.goto ? UInt8(IPT_F_GOTO) : 0)
    }

    private static func setInterface(_ name: String, name buffer: UnsafeMutableRawBufferPointer) {
        // iptables keeps the "+" of a wildcard in the name; only the mask tells.
        buffer.copyBytes(from: Array(name.utf8.prefix(Int(IFNAMSIZ) - 1)))
    }

    private static func setInterfaceMask(_ name: String, mask buffer: UnsafeMutableRawBufferPointer) {
        // "eth0" matches exactly (the NUL too); "veth+" matches the prefix.
        let count = name.hasSuffix("+") ? name.utf8.count - 1 : name.utf8.count + 1
        for i in 0..<min(count, buffer.count) { buffer[i] = 0xff }
    }

    /// A match or target record: header (size, name, revision) then the aligned payload.
    private static func record(header: Int, name: String, revision: UInt8, payload: [UInt8], size: Int? = nil) -> [UInt8] {
        let total = Int(swlb_xt_align(UInt32(header + (size ?? payload.count))))
        var bytes = [UInt8](repeating: 0, count: total)
        let size16 = UInt16(total)
        bytes[0] = UInt8(size16 & 0xff)
        bytes[1] = UInt8(size16 >> 8)
        for (i, c) in name.utf8.prefix(28).enumerated() { bytes[2 + i] = c }
        bytes[header - 1] = revision
        for (i, b) in payload.enumerated() { bytes[header + i] = b }
        return bytes
    }

    private static func record(header: Int, _ x: XTExtension) -> [UInt8] {
        record(header: header, name: x.name, revision: x.revision, payload: x.payload)
    }

    /// `payload` zero-padded to XT_ALIGN, as iptables sizes match and target data.
    private static func padded(_ name: String, _ revision: UInt8, _ payload: [UInt8]) -> XTExtension {
        XTExtension(
            name: name, revision: revision,
            payload: payload + [UInt8](repeating: 0, count: Int(swlb_xt_align(UInt32(payload.count))) - payload.count))
    }

    /// The `size` bytes of a C struct filled in place in zeroed memory, so that its padding is zero as
    /// iptables' is (a copied Swift value may carry any bytes there, and `iptables -C` compares them).
    private static func zeroed<T>(_: T.Type, size: UInt32, _ fill: (inout T) -> Void) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(Int(size), MemoryLayout<T>.size))
        out.withUnsafeMutableBytes { raw in fill(&raw.baseAddress!.bindMemory(to: T.self, capacity: 1).pointee) }
        return Array(out.prefix(Int(size)))
    }

    /// The x_tables match extension of `m`, as iptables writes it for both backends.
    static func xtExtension(_ m: IPTablesRule.Match) -> XTExtension {
        switch m {
        case let .ports(p, source, destination, tcpFlags):
            let s = source ?? .init(0, 0xffff), d = destination ?? .init(0, 0xffff)
            // XT_TCP_INV_SRCPT/DSTPT and XT_UDP_INV_SRCPT/DSTPT are both 0x01/0x02; XT_TCP_INV_FLAGS 0x04.
            let inv: UInt8 = (s.negated ? 0x01 : 0) | (d.negated ? 0x02 : 0) | (tcpFlags?.negated == true ? 0x04 : 0)
            if p == .udp {
                let info = zeroed(xt_udp.self, size: swlb_xt_udp_size()) {
                    $0.spts = (s.low, s.high)
                    $0.dpts = (d.low, d.high)
                    $0.invflags = inv
                }
                return padded("udp", 0, info)
            }
            if p == .sctp { return sctpExtension(source: source, destination: destination) }
            let info = zeroed(xt_tcp.self, size: swlb_xt_tcp_size()) {
                $0.spts = (s.low, s.high)
                $0.dpts = (d.low, d.high)
                $0.flg_mask = tcpFlags?.mask ?? 0
                $0.flg_cmp = tcpFlags?.compare ?? 0
                $0.invflags = inv
            }
            return padded(p.rawValue, 0, info)
        case let .mark(value, mask, negated):
            let info = zeroed(xt_mark_mtinfo1.self, size: swlb_xt_mark_mtinfo1_size()) {
                $0.mark = value
                $0.mask = mask
                $0.invert = negated ? 1 : 0
            }
            return padded("mark", 1, info)
        case let .conntrackState(states, negated):
            return padded("conntrack", 3, conntrackState(states, negated: negated, flags: UInt16(XT_CONNTRACK_STATE)))
        case let .state(states, negated):
            // iptables 1.8 writes `-m state` as conntrack revision 3 flagged as the state alias.
            return padded(
                "conntrack", 3, conntrackState(states, negated: negated, flags: UInt16(XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS)))
        case .comment(let text):
            var payload = [UInt8](repeating: 0, count: Int(swlb_xt_comment_info_size()))
            for (i, b) in text.utf8.prefix(payload.count - 1).enumerated() { payload[i] = b }
            return padded("comment", 0, payload)
        case .ipvs(let m):
            // As libxt_ipvs writes it: a field only when its property is given, the rest zero.
            let info = zeroed(xt_ipvs_mtinfo.self, size: swlb_xt_ipvs_size()) { info in
                info.bitmask = m.given.rawValue
                info.invert = m.negated.rawValue
                if m.given.contains(.proto) { info.l4proto = m.proto }
                if m.given.contains(.address) {
                    info.vaddr.ip = m.address.value.bigEndian
                    info.vmask.ip = m.mask.bigEndian
                    // An address without /MASK: libxt_ipvs sets the whole 16-byte mask.
                    if m.mask == 0xffff_ffff { info.vmask.all = (.max, .max, .max, .max) }
                }
                if m.given.contains(.port) { info.vport = m.port.bigEndian }
                if m.given.contains(.method) { info.fwd_method = m.method.rawValue }
                if m.given.contains(.controlPort) { info.vportctl = m.controlPort.bigEndian }
            }
            return padded("ipvs", 0, info)
        case let .addrtype(source, destination):
            let info = zeroed(xt_addrtype_info_v1.self, size: swlb_xt_addrtype_v1_size()) {
                $0.source = source.rawValue
                $0.dest = destination.rawValue
            }
            return padded("addrtype", 1, info)
        case .opaque(let x):
            return XTExtension(name: x.name, revision: x.revision, payload: x.data)
        case .unmapped:
            // Read from nf_tables and not understood: there are no bytes to write. The empty
            // name is no extension, so the kernel refuses the rule instead of widening it.
            return XTExtension(name: "", revision: 0, payload: [])
        }
    }

    /// The x_tables target extension of `t`; nil for verdicts, jumps and no target, which are
    /// standard targets in legacy entries and `immediate` verdicts in nf_tables.
    static func xtExtension(_ t: IPTablesRule.Target) -> XTExtension? {
        switch t {
        case let .mark(value, mask):
            let info = zeroed(xt_mark_tginfo2.self, size: swlb_xt_mark_tginfo2_size()) {
                $0.mark = value
                $0.mask = mask
            }
            return padded("MARK", 2, info)
        case .snat(let r):
            // iptables 1.8 writes IPv4 SNAT at revision 0 (and DNAT at 2), iptables-nft too; do the
            // same, so that `iptables -C` and `-S` see exactly their own bytes.
            return padded("SNAT", 0, compatRange(r))
        case .dnat(let r):
            return padded("DNAT", 2, natRange(r))
        case .masquerade(let r):
            return padded("MASQUERADE", 0, compatRange(r))
        case .redirect(let r):
            return padded("REDIRECT", 0, compatRange(r))
        case .jump, .none:
            return nil
        case .opaque(let x):
            return XTExtension(name: x.name, revision: x.revision, payload: x.data)
        }
    }

    /// `-m sctp [--sport P] [--dport P]` as libxt_sctp fills xt_sctp_info: a port range only when
    /// given (its XT_SCTP_*_PORTS flag set, and inverted with XT_SCTP_*_PORTS in invflags), every chunk-flag slot unused (chunk type 0xff).
    private static func sctpExtension(source: IPTablesRule.PortRange?, destination: IPTablesRule.PortRange?) -> XTExtension {
        let info = zeroed(xt_sctp_info.self, size: swlb_xt_sctp_info_size()) { info in
            info.flag_info.0.chunktype = 0xff
            info.flag_info.1.chunktype = 0xff
            info.flag_info.2.chunktype = 0xff
            info.flag_info.3.chunktype = 0xff
            if let s = source {
                info.spts = (s.low, s.high)
                info.flags |= UInt32(XT_SCTP_SRC_PORTS)
                if s.negated { info.invflags |= UInt32(XT_SCTP_SRC_PORTS) }
            }
            if let d = destination {
                info.dpts = (d.low, d.high)
                info.flags |= UInt32(XT_SCTP_DEST_PORTS)
                if d.negated { info.invflags |= UInt32(XT_SCTP_DEST_PORTS) }
            }
        }
        return padded("sctp", 0, info)
    }

    /// `-m conntrack --ctstate` (and `-m state`, flagged as its alias) as xt_conntrack_mtinfo3.
    private static func conntrackState(_ states: IPTablesRule.ConntrackStates, negated: Bool, flags: UInt16) -> [UInt8] {
        zeroed(xt_conntrack_mtinfo3.self, size: swlb_xt_conntrack_mtinfo3_size()) {
            $0.match_flags = flags
            $0.invert_flags = negated ? UInt16(XT_CONNTRACK_STATE) : 0
            $0.state_mask = UInt16(truncatingIfNeeded: states.rawValue)
        }
    }

    private static func encode(_ t: IPTablesRule.Target) -> [UInt8] {
        if let x = xtExtension(t) { return record(header: targetHeader, x) }
        // A verdict or jump: libiptc resolves the name (empty for none) to a verdict or a jump offset.
        let name = if case .jump(let chain) = t { chain } else { "" }
        return record(
            header: targetHeader, name: name, revision: 0, payload: [],
            size: Int(swlb_xt_standard_target_size()) - targetHeader)
    }

    private static func natFlags(_ r: IPTablesRule.NATRange) -> UInt32 {
        var flags: UInt32 = 0
        if r.addresses != nil { flags |= UInt32(NF_NAT_RANGE_MAP_IPS) }
        if r.ports != nil { flags |= UInt32(NF_NAT_RANGE_PROTO_SPECIFIED) }
        if r.random { flags |= UInt32(NF_NAT_RANGE_PROTO_RANDOM) }
        if r.randomFully { flags |= UInt32(NF_NAT_RANGE_PROTO_RANDOM_FULLY) }
        if r.persistent { flags |= UInt32(NF_NAT_RANGE_PERSISTENT) }
        return flags
    }

    /// Revision 0 payload: one nf_nat_ipv4_range.
    private static func compatRange(_ r: IPTablesRule.NATRange) -> [UInt8] {
        zeroed(nf_nat_ipv4_multi_range_compat.self, size: swlb_nat_compat_size()) { compat in
            compat.rangesize = 1
            compat.range.flags = natFlags(r)
            if let a = r.addresses {
                compat.range.min_ip = a.lowerBound.networkOrder
                compat.range.max_ip = a.upperBound.networkOrder
            }
            if let p = r.ports {
                compat.range.min.all = p.lowerBound.bigEndian
                compat.range.max.all = p.upperBound.bigEndian
            }
        }
    }

    /// Revision 2 payload: nf_nat_range2.
    private static func natRange(_ r: IPTablesRule.NATRange) -> [UInt8] {
        zeroed(nf_nat_range2.self, size: swlb_nf_nat_range2_size()) { range in
            range.flags = natFlags(r)
            if let a = r.addresses {
                range.min_addr.ip = a.lowerBound.networkOrder
                range.max_addr.ip = a.upperBound.networkOrder
            }
            if let p = r.ports {
                range.min_proto.all = p.lowerBound.bigEndian
                range.max_proto.all = p.upperBound.bigEndian
            }
        }
    }

    // MARK: decoding

    /// Decodes an entry read through libiptc; `targetName` is libiptc's view of the target
    /// (a verdict, a chain name, or an extension name). `spelled`: each extension left opaque gets
    /// its printed text from libxtables, its record and the entry's IP part passed in place.
    static func decode(
        _ entry: UnsafePointer<ipt_entry>, targetName: () -> String, names: inout ExtensionNames, spelled: Bool = false
    ) -> IPTablesRule {
        let e = entry.pointee
        let raw = UnsafeRawPointer(entry)
        // The matches counted first, so their array is allocated once; the rule is made once, at the end.
        var count = 0
        var offset = entrySize
        while offset + matchHeader <= Int(e.target_offset) {
            let size = Int((raw + offset).loadUnaligned(as: UInt16.self))
            guard size >= matchHeader else { break }
            count += 1
            offset += size
        }
        var matches: [IPTablesRule.Match] = []
        if count > 0 { matches.reserveCapacity(count) }
        offset = entrySize
        while offset + matchHeader <= Int(e.target_offset) {
            let (size, x) = recordHeader(raw + offset, &names)
            guard size >= matchHeader else { break }
            let payload = UnsafeRawBufferPointer(start: raw + offset + matchHeader, count: size - matchHeader)
            matches.append(
                x.match.flatMap { decodedMatch($0, name: x.name, revision: x.revision, payload) }
                    ?? .opaque(opaque(x.name, x.revision, payload, record: spelled ? raw + offset : nil, ip: raw, target: false)))
            offset += size
        }
        let (tsize, t) = recordHeader(raw + Int(e.target_offset), &names)
        let tpayload = UnsafeRawBufferPointer(
            start: raw + Int(e.target_offset) + targetHeader,
            count: max(0, tsize - targetHeader))
        let target: IPTablesRule.Target
        if t.isStandard {
            let jump = targetName()
            target = jump.isEmpty ? .none : .jump(jump)
        } else {
            target =
                t.target.flatMap { decodedTarget($0, name: t.name, revision: t.revision, tpayload) }
                ?? .opaque(opaque(t.name, t.revision, tpayload, record: spelled ? raw + Int(e.target_offset) : nil, ip: raw, target: true))
        }
        var ip = e.ip
        let (source, sourceMask) = e.ip.smsk.s_addr != 0 || e.ip.src.s_addr != 0 ? subnet(e.ip.src.s_addr, e.ip.smsk.s_addr) : (nil, nil)
        let (destination, destinationMask) =
            e.ip.dmsk.s_addr != 0 || e.ip.dst.s_addr != 0 ? subnet(e.ip.dst.s_addr, e.ip.dmsk.s_addr) : (nil, nil)
        var rule = IPTablesRule(
            source: source, destination: destination,
            inInterface: withUnsafeBytes(of: &ip.iniface) { n in withUnsafeBytes(of: &ip.iniface_mask) { interface(n, $0) } },
            outInterface: withUnsafeBytes(of: &ip.outiface) { n in withUnsafeBytes(of: &ip.outiface_mask) { interface(n, $0) } },
            proto: e.ip.proto != 0 ? e.ip.proto : nil, matches: matches, target: target)
        rule.sourceMask = sourceMask
        rule.destinationMask = destinationMask
        rule.negated = IPTablesRule.Negations(rawValue: e.ip.invflags)
        rule.fragment = e.ip.flags & UInt8(IPT_F_FRAG) != 0
        rule.goto = e.ip.flags & UInt8(IPT_F_GOTO) != 0
        return rule
    }

    /// An extension left opaque, with the text its plugin prints when `record` (its header and payload
    /// in the entry) is given.
    private static func opaque(
        _ name: String, _ revision: UInt8, _ payload: UnsafeRawBufferPointer, record: UnsafeRawPointer?, ip: UnsafeRawPointer, target: Bool
    ) -> OpaqueExtension {
        guard let record else { return OpaqueExtension(name: name, revision: revision, data: payload) }
        return XtablesPrinter.withText(record: record, ip: ip, target: target) {
            OpaqueExtension(name: name, revision: revision, data: payload, text: $0)
        }
    }

    /// Decodes an entry held in a byte array (as `encode` produces).
    static func decode(entryBytes: [UInt8], targetName: String) -> IPTablesRule {
        var names = ExtensionNames()
        return entryBytes.withUnsafeBytes {
            decode($0.baseAddress!.assumingMemoryBound(to: ipt_entry.self), targetName: { targetName }, names: &names)
        }
    }

    /// A prefix, or the address as a /32 and its mask when the mask is no prefix.
    private static func subnet(_ address: UInt32, _ mask: UInt32) -> (IPv4Subnet?, UInt32?) {
        let m = UInt32(bigEndian: mask)
        if m == IPv4Subnet.mask(m.nonzeroBitCount) {
            return (IPv4Subnet(IPv4Address(networkOrder: address), prefixLength: m.nonzeroBitCount), nil)
        }
        return (IPv4Subnet(IPv4Address(networkOrder: address & mask), prefixLength: 32), m)
    }

    private static func interface(_ name: UnsafeRawBufferPointer, _ mask: UnsafeRawBufferPointer) -> String? {
        guard mask.contains(where: { $0 != 0 }) else { return nil }
        let masked = mask.prefix { $0 == 0xff }.count
        let text = String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
        if masked > text.utf8.count { return text }  // the mask covers the NUL: an exact name
        // A wildcard: iptables stores "eth+"; a writer that left the "+" out still means the masked prefix.
        return text.hasSuffix("+") ? text : String(decoding: name.prefix(masked), as: UTF8.self) + "+"
    }

    /// A record's size, and its name and revision with the decoders that read them.
    private static func recordHeader(_ p: UnsafeRawPointer, _ names: inout ExtensionNames) -> (size: Int, ExtensionNames.Entry) {
        (Int(p.loadUnaligned(as: UInt16.self)), names.entry(at: p + 2))
    }

    private static func load<T>(_ payload: UnsafeRawBufferPointer, _ type: T.Type, size: UInt32) -> T? {
        guard payload.count >= Int(size) else { return nil }
        return payload.baseAddress!.loadUnaligned(as: T.self)
    }

    /// The match an x_tables match extension spells; one swarmlb does not decode stays opaque (its
    /// payload shared, not copied).
    static func decodeMatch(_ x: XTExtension) -> IPTablesRule.Match {
        MatchDecoder(name: x.name, revision: x.revision).flatMap { d in
            x.payload.withUnsafeBytes { decodedMatch(d, name: x.name, revision: x.revision, $0) }
        } ?? .opaque(OpaqueExtension(name: x.name, revision: x.revision, data: x.payload))
    }

    /// The target an x_tables target extension spells; one swarmlb does not decode stays opaque.
    static func decodeTarget(_ x: XTExtension) -> IPTablesRule.Target {
        TargetDecoder(name: x.name, revision: x.revision).flatMap { d in
            x.payload.withUnsafeBytes { decodedTarget(d, name: x.name, revision: x.revision, $0) }
        } ?? .opaque(OpaqueExtension(name: x.name, revision: x.revision, data: x.payload))
    }

    /// The NFLOG target iptables-nft reads an nft `log` expression as (nft_parse_log): xt_nflog_info's
    /// layout with nft's longer prefix, the copy length flagged only when a snaplen is set.
    static func nflog(group: UInt16, threshold: UInt16, snaplen: UInt32?, prefix: String?) -> XTExtension {
        var info = [UInt8](repeating: 0, count: 12 + Int(NF_LOG_PREFIXLEN))
        func put<T: FixedWidthInteger>(_ v: T, at offset: Int) {
            withUnsafeBytes(of: v) { info.replaceSubrange(offset..<offset + $0.count, with: $0) }
        }
        put(snaplen ?? 0, at: 0)
        put(group, at: 4)
        put(threshold, at: 6)
        if snaplen != nil { put(UInt16(XT_NFLOG_F_COPY_LEN), at: 8) }
        for (i, b) in (prefix ?? "").utf8.prefix(Int(NF_LOG_PREFIXLEN) - 1).enumerated() { info[12 + i] = b }
        return padded("NFLOG", 0, info)
    }

    /// The limit match iptables-nft reads an nft `limit` expression as (nft_parse_limit): xt_rateinfo
    /// with the average in XT_LIMIT_SCALE units per second and the burst, the rest zero.
    static func limit(rate: UInt64, unit: UInt64, burst: UInt32) -> XTExtension {
        let average = rate == 0 ? 0 : UInt32(truncatingIfNeeded: UInt64(XT_LIMIT_SCALE) &* unit / rate)
        // Filled in place at its padded size: an nft listing reads one per rule.
        let size = swlb_xt_rateinfo_size()
        var payload = [UInt8](repeating: 0, count: max(Int(swlb_xt_align(size)), MemoryLayout<xt_rateinfo>.size))
        payload.withUnsafeMutableBytes { raw in
            let info = raw.baseAddress!.bindMemory(to: xt_rateinfo.self, capacity: 1)
            info.pointee.avg = average
            info.pointee.burst = burst
        }
        payload.removeLast(payload.count - Int(swlb_xt_align(size)))
        return XTExtension(name: "limit", revision: 0, payload: payload)
    }

    /// `body` given the record (header, payload) of a match or target extension as an entry holds
    /// it, built on the stack.
    static func withRecord<R>(
        name: String, revision: UInt8, payload: UnsafeRawBufferPointer, target: Bool, _ body: (UnsafeRawPointer) -> R
    ) -> R {
        let header = target ? targetHeader : matchHeader
        let total = Int(swlb_xt_align(UInt32(header + payload.count)))
        return withUnsafeTemporaryAllocation(byteCount: total, alignment: 8) { bytes in
            bytes.initializeMemory(as: UInt8.self, repeating: 0)
            bytes.storeBytes(of: UInt16(total), as: UInt16.self)
            for (i, c) in name.utf8.prefix(28).enumerated() { bytes[2 + i] = c }
            bytes[header - 1] = revision
            UnsafeMutableRawBufferPointer(rebasing: bytes[header..<header + payload.count]).copyMemory(from: payload)
            return body(UnsafeRawPointer(bytes.baseAddress!))
        }
    }

    /// `body` given the ipt_ip part of `rule`'s entry (addresses, interfaces, protocol, inversions), as
    /// the extensions' printers read it, built on the stack.
    static func withIPPart<R>(_ rule: IPTablesRule, _ body: (UnsafeRawPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: entrySize, alignment: MemoryLayout<ipt_entry>.alignment) { bytes in
            bytes.initializeMemory(as: UInt8.self, repeating: 0)
            let e = bytes.baseAddress!.bindMemory(to: ipt_entry.self, capacity: 1)
            fillIP(e, rule)
            return body(UnsafeRawPointer(e))
        }
    }

    /// The decoded match, nil when it stays opaque: decoded only when it encodes back to exactly the
    /// kernel's bytes (a field swarmlb does not model, such as a flag, an option or another state bit,
    /// leaves the match opaque, for libxtables to print). The kinds `encodesExactly` checks byte by byte
    /// skip the re-encoding.
    private static func decodedMatch(
        _ decoder: MatchDecoder, name: String, revision: UInt8, _ payload: UnsafeRawBufferPointer
    ) -> IPTablesRule.Match? {
        guard let m = decodeMatchFields(decoder, payload),
            encodesExactly(m, payload) || reencodes(m, name: name, revision: revision, payload)
        else { return nil }
        return m
    }

    /// Whether `m`, decoded from `payload`, encodes back to exactly these bytes (name and revision too).
    static func reencodes(_ m: IPTablesRule.Match, name: String, revision: UInt8, _ payload: UnsafeRawBufferPointer) -> Bool {
        let x = xtExtension(m)
        return x.name == name && x.revision == revision && x.payload.elementsEqual(payload)
    }

    /// Whether `t`, decoded from `payload`, encodes back to exactly these bytes (name and revision too).
    static func reencodes(_ t: IPTablesRule.Target, name: String, revision: UInt8, _ payload: UnsafeRawBufferPointer) -> Bool {
        guard let x = xtExtension(t) else { return false }
        return x.name == name && x.revision == revision && x.payload.elementsEqual(payload)
    }

    /// A byte check standing for `reencodes` where it is cheap and sure (the mark, tcp and udp matches,
    /// most of a listing): the payload has exactly the padded size and every byte the decoder does not
    /// read back into a field is as the encoder writes it. False means only "not checked here".
    /// RuleCodecExactnessTests holds that it never says true where `reencodes` says false.
    static func encodesExactly(_ m: IPTablesRule.Match, _ payload: UnsafeRawBufferPointer) -> Bool {
        func zero(_ from: Int) -> Bool { payload[from...].allSatisfy { $0 == 0 } }
        switch m {
        case .mark(_, _, let negated):
            // mark, mask, invert (0 or 1), then padding.
            return payload.count == Int(swlb_xt_align(swlb_xt_mark_mtinfo1_size())) && payload[8] == (negated ? 1 : 0) && zero(9)
        case .ports(.tcp, _, _, let flags):
            // ports, option (0), flag mask and compare (both zero when no --tcp-flags), invflags, then padding.
            return payload.count == Int(swlb_xt_align(swlb_xt_tcp_size())) && (flags != nil || payload[10] == 0) && zero(12)
        case .ports(.udp, _, _, _):
            // ports, invflags, then padding.
            return payload.count == Int(swlb_xt_align(swlb_xt_udp_size())) && zero(9)
        default:
            return false
        }
    }

    /// As `encodesExactly`, for targets: MARK revision 2 (mark and mask fill its payload).
    static func encodesExactly(_ t: IPTablesRule.Target, _ payload: UnsafeRawBufferPointer) -> Bool {
        if case .mark = t { return payload.count == Int(swlb_xt_align(swlb_xt_mark_tginfo2_size())) }
        return false
    }

    /// The match extensions swarmlb models, each by the name and revision its records carry: which
    /// decoder reads a record (a read looks each name up once, ExtensionNames).
    enum MatchDecoder: Equatable {
        case tcp, udp, sctp, mark, conntrack, comment, ipvs, addrtype

        init?(name: String, revision: UInt8) {
            switch (revision, name) {  // the revision first: most cases fail on it, before comparing names
            case (0, "tcp"): self = .tcp
            case (0, "udp"): self = .udp
            case (0, "sctp"): self = .sctp
            case (1, "mark"): self = .mark
            case (3, "conntrack"): self = .conntrack
            case (0, "comment"): self = .comment
            case (0, "ipvs"): self = .ipvs
            case (1, "addrtype"): self = .addrtype
            default: return nil
            }
        }
    }

    /// The fields of a match swarmlb models; nil when these bytes are not what its decoder reads.
    static func decodeMatchFields(_ decoder: MatchDecoder, _ payload: UnsafeRawBufferPointer) -> IPTablesRule.Match? {
        func range(_ r: (UInt16, UInt16), _ negated: Bool) -> IPTablesRule.PortRange? {
            r == (0, 0xffff) && !negated ? nil : .init(r.0, r.1, negated: negated)
        }
        switch decoder {
        case .tcp:
            guard let t = load(payload, xt_tcp.self, size: swlb_xt_tcp_size()), t.invflags & ~0x07 == 0, t.option == 0
            else { return nil }
            let flags =
                t.flg_mask != 0 || t.invflags & 0x04 != 0
                ? IPTablesRule.TCPFlags(mask: t.flg_mask, compare: t.flg_cmp, negated: t.invflags & 0x04 != 0) : nil
            return .ports(
                .tcp, source: range(t.spts, t.invflags & 0x01 != 0), destination: range(t.dpts, t.invflags & 0x02 != 0),
                tcpFlags: flags)
        case .udp:
            guard let u = load(payload, xt_udp.self, size: swlb_xt_udp_size()), u.invflags & ~0x03 == 0 else { return nil }
            return .ports(.udp, source: range(u.spts, u.invflags & 0x01 != 0), destination: range(u.dpts, u.invflags & 0x02 != 0))
        case .sctp:
            let ports = UInt32(XT_SCTP_SRC_PORTS | XT_SCTP_DEST_PORTS)
            guard let c = load(payload, xt_sctp_info.self, size: swlb_xt_sctp_info_size()), c.flags & ~ports == 0,
                c.invflags & ~c.flags == 0, c.chunk_match_type == 0, c.flag_count == 0
            else { return nil }
            func given(_ flag: Int32, _ r: (UInt16, UInt16)) -> IPTablesRule.PortRange? {
                c.flags & UInt32(flag) == 0 ? nil : .init(r.0, r.1, negated: c.invflags & UInt32(flag) != 0)
            }
            let m = IPTablesRule.Match.ports(
                .sctp, source: given(XT_SCTP_SRC_PORTS, c.spts), destination: given(XT_SCTP_DEST_PORTS, c.dpts))
            // Only what libxt_sctp itself writes for these options reads as them (the unused fields as it leaves them).
            return xtExtension(m).payload.elementsEqual(payload) ? m : nil
        case .mark:
            guard let m = load(payload, xt_mark_mtinfo1.self, size: swlb_xt_mark_mtinfo1_size()) else { return nil }
            return .mark(value: m.mark, mask: m.mask, negated: m.invert != 0)
        case .conntrack:
            let stateOnly = UInt16(XT_CONNTRACK_STATE), alias = UInt16(XT_CONNTRACK_STATE_ALIAS)
            guard let c = load(payload, xt_conntrack_mtinfo3.self, size: swlb_xt_conntrack_mtinfo3_size()),
                c.match_flags & ~alias == stateOnly, c.invert_flags & ~stateOnly == 0
            else { return nil }
            let states = IPTablesRule.ConntrackStates(rawValue: UInt32(c.state_mask))
            return c.match_flags & alias != 0
                ? .state(states, negated: c.invert_flags != 0)
                : .conntrackState(states, negated: c.invert_flags != 0)
        case .comment:
            return .comment(String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self))
        case .ipvs:
            guard let v = load(payload, xt_ipvs_mtinfo.self, size: swlb_xt_ipvs_size()),
                let method = IPVSMatch.Method(rawValue: v.fwd_method)
            else { return nil }
            var m = IPVSMatch()
            m.given = .init(rawValue: v.bitmask)
            m.negated = .init(rawValue: v.invert)
            (m.proto, m.port, m.method, m.controlPort) = (v.l4proto, UInt16(bigEndian: v.vport), method, UInt16(bigEndian: v.vportctl))
            (m.address, m.mask) = (IPv4Address(UInt32(bigEndian: v.vaddr.ip)), UInt32(bigEndian: v.vmask.ip))
            // Only what libxt_ipvs itself writes reads as options (no stray bits, the unused fields zero).
            return xtExtension(.ipvs(m)).payload.elementsEqual(payload) ? .ipvs(m) : nil
        case .addrtype:
            guard let a = load(payload, xt_addrtype_info_v1.self, size: swlb_xt_addrtype_v1_size()), a.flags == 0
            else { return nil }
            return .addrtype(source: .init(rawValue: a.source), destination: .init(rawValue: a.dest))
        }
    }

    /// The decoded target, nil when it stays opaque: decoded only when it encodes back to exactly the
    /// kernel's bytes (a NAT range with a port offset, say, stays opaque for libxtables to print).
    private static func decodedTarget(
        _ decoder: TargetDecoder, name: String, revision: UInt8, _ payload: UnsafeRawBufferPointer
    ) -> IPTablesRule.Target? {
        guard let t = decodeTargetFields(decoder, payload),
            encodesExactly(t, payload) || reencodes(t, name: name, revision: revision, payload)
        else { return nil }
        return t
    }

    /// The target extensions swarmlb models, by name and revision, as `MatchDecoder`.
    enum TargetDecoder: Equatable {
        case mark
        /// SNAT or DNAT (`source`), at revision 2 (nf_nat_range2), 1 (nf_nat_range) or 0 (the IPv4 compat range).
        case nat(revision: UInt8, source: Bool)
        case masquerade, redirect

        init?(name: String, revision: UInt8) {
            switch (revision, name) {  // the revision first: most cases fail on it, before comparing names
            case (2, "MARK"): self = .mark
            case (0...2, "SNAT"): self = .nat(revision: revision, source: true)
            case (0...2, "DNAT"): self = .nat(revision: revision, source: false)
            case (0, "MASQUERADE"): self = .masquerade
            case (0, "REDIRECT"): self = .redirect
            default: return nil
            }
        }
    }

    /// The fields of a target swarmlb models; nil when these bytes are not what its decoder reads.
    static func decodeTargetFields(_ decoder: TargetDecoder, _ payload: UnsafeRawBufferPointer) -> IPTablesRule.Target? {
        switch decoder {
        case .mark:
            guard let m = load(payload, xt_mark_tginfo2.self, size: swlb_xt_mark_tginfo2_size()) else { return nil }
            return .mark(value: m.mark, mask: m.mask)
        case let .nat(2, source):
            guard let r = load(payload, nf_nat_range2.self, size: swlb_nf_nat_range2_size()) else { return nil }
            let range = natRange(
                flags: r.flags, minIP: r.min_addr.ip, maxIP: r.max_addr.ip,
                minPort: r.min_proto.all, maxPort: r.max_proto.all)
            return source ? .snat(range) : .dnat(range)
        case let .nat(1, source):
            guard let r = load(payload, nf_nat_range.self, size: swlb_nf_nat_range_size()) else { return nil }
            let range = natRange(
                flags: r.flags, minIP: r.min_addr.ip, maxIP: r.max_addr.ip,
                minPort: r.min_proto.all, maxPort: r.max_proto.all)
            return source ? .snat(range) : .dnat(range)
        case let .nat(_, source):
            guard let c = load(payload, nf_nat_ipv4_multi_range_compat.self, size: swlb_nat_compat_size()), c.rangesize == 1
            else { return nil }
            let r = c.range
            let range = natRange(flags: r.flags, minIP: r.min_ip, maxIP: r.max_ip, minPort: r.min.all, maxPort: r.max.all)
            return source ? .snat(range) : .dnat(range)
        case .masquerade, .redirect:
            guard let c = load(payload, nf_nat_ipv4_multi_range_compat.self, size: swlb_nat_compat_size()), c.rangesize == 1,
                c.range.flags & UInt32(NF_NAT_RANGE_MAP_IPS) == 0
            else { return nil }
            let r = c.range
            let range = natRange(flags: r.flags, minIP: r.min_ip, maxIP: r.max_ip, minPort: r.min.all, maxPort: r.max.all)
            return decoder == .masquerade ? .masquerade(range) : .redirect(range)
        }
    }

    private static func natRange(flags: UInt32, minIP: UInt32, maxIP: UInt32, minPort: UInt16, maxPort: UInt16) -> IPTablesRule.NATRange {
        var r = IPTablesRule.NATRange()
        if flags & UInt32(NF_NAT_RANGE_MAP_IPS) != 0 {
            r.addresses = IPv4Address(networkOrder: minIP)...IPv4Address(networkOrder: maxIP)
        }
        if flags & UInt32(NF_NAT_RANGE_PROTO_SPECIFIED) != 0 {
            r.ports = UInt16(bigEndian: minPort)...UInt16(bigEndian: maxPort)
        }
        r.random = flags & UInt32(NF_NAT_RANGE_PROTO_RANDOM) != 0
        r.randomFully = flags & UInt32(NF_NAT_RANGE_PROTO_RANDOM_FULLY) != 0
        r.persistent = flags & UInt32(NF_NAT_RANGE_PERSISTENT) != 0
        return r
    }
}
