/// The requests of `service add` and `service del`, planned from a recipe.
extension ServiceRecipe {
    /// Everything `service add` does: a one-service intent, planned as `apply` plans a file.
    public var addRequest: ChangeRequest { .balance(LoadBalancerIntent(self)) }

    /// Everything `service del` removes (the IPVS service takes its real servers with it); the VIP
    /// address stays while another mark rule still sends packets to it.
    public var deleteRequests: [ChangeRequest] {
        [.change(markRule.deleteChange), .change(.deleteService(.fwmark(mark))), .removeVIPAddress(address, except: markRule)]
    }
}
