/// The kernel changes of `service add` and `service del`, planned from a recipe.
extension ServiceRecipe {
    /// Everything `service add` does, in order.
    public var addChanges: [KernelChange] {
        var changes: [KernelChange] = [.addAddress(address), markRule.addChange, .addService(service)]
        if !reals.isEmpty { changes.append(.setLink("lo", up: true)) }
        changes += reals.map { .addReal(.fwmark(mark), RealServer(address: $0)) }
        if let snat { changes += snat.addChanges }
        if loadBalancerSysctls { changes += Self.loadBalancerTuning.map { .setSysctl($0.0, $0.1) } }
        return changes
    }

    /// Everything `service del` removes (the IPVS service takes its real servers with it); the VIP
    /// address stays while another mark rule still sends packets to it.
    public var deleteRequests: [ChangeRequest] {
        [.change(markRule.deleteChange), .change(.deleteService(.fwmark(mark))), .removeVIPAddress(address, except: markRule)]
    }
}
