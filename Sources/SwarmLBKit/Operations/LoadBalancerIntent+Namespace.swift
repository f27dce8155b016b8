extension LoadBalancerIntent {
    /// The intent `swarmlb apply` makes of `network` on `device` in this namespace, with Docker's SNAT
    /// policy: the SNAT subnet is the file's, else that of the device's first address wider than /32
    /// (the VIPs beside it are /32s); the source is `toSource`, else the device's first address within
    /// that subnet. Throws when the device does not exist, and when VIP-mode services would have no
    /// SNAT source (replies from the tasks would not come back through this namespace).
    public init(
        _ network: NetworkServices, device: String, chain: String, toSource: IPv4Address?, in state: any NamespaceState
    ) throws {
        try state.requireDevice(device)
        let own = try state.orderedAddresses().filter { $0.device == device && $0.prefixLength < 32 }
        let subnet = network.subnet ?? own.first.map { IPv4Subnet($0.address, prefixLength: $0.prefixLength) }
        let source = toSource ?? own.first { subnet?.contains($0.address) ?? false }?.address
        try self.init(network, device: device, chain: chain, subnet: subnet, source: source)
        if snat == nil, !services.isEmpty {
            throw ValidationError(
                device,
                "device for apply: it has no address within \(subnet.map(String.init(describing:)) ?? "the services file's subnet") to be the SNAT source; give --to-source"
            )
        }
    }
}
