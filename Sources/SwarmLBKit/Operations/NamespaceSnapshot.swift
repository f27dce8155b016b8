/// Everything `apply` compares with its intent, read from the namespace once: the IPv4 fwmark
/// services with their real servers, the addresses, the mangle and nat tables of the firewall
/// backend in use, whether `lo` is up, and the IPVS sysctls.
struct NamespaceSnapshot {
    var services: [FirewallMark: IPVSSnapshot.Entry]
    var addresses: Set<InterfaceAddress>
    var mangle: IPTablesDump
    var nat: IPTablesDump
    var loopbackUp: Bool
    var sysctls: [Sysctl: String]

    static let sysctlsRead: [Sysctl] = [.ipvsConntrack] + ServiceRecipe.loadBalancerTuning.map(\.0)

    init(_ kernel: Kernel) throws(KernelError) {
        var services: [FirewallMark: IPVSSnapshot.Entry] = [:]
        for e in try kernel.ipvs().snapshot().entries {
            if let mark = e.service.key.fwmark { services[mark] = e }
        }
        self.services = services
        addresses = Set(try kernel.addresses().addresses())
        let firewall = try kernel.firewallForWriting()
        mangle = try firewall.dump(.mangle)
        nat = try firewall.dump(.nat)
        loopbackUp = try kernel.links().isUp("lo")
        var sysctls: [Sysctl: String] = [:]
        for s in Self.sysctlsRead { sysctls[s] = try s.read() }
        self.sysctls = sysctls
    }
}
