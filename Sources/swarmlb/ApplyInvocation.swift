import ArgumentParser
import SwarmLBCommandLine
import SwarmLBKit
import SwarmLBServices

/// One `swarmlb apply`: its options' values, however they were read (the parser's `ApplyCommand`,
/// or `ApplyCommandLine` without it), and the run itself. Reads the services file, then the
/// namespace once, and changes only what differs (a reconciler, as kube-proxy's sync over `ip`,
/// `iptables-restore` and `ipvsadm-restore`). SWARMLB_TIMINGS=1 prints each phase's time on stderr.
struct ApplyInvocation: Equatable {
    var netns: NamespaceTarget?
    var json = false
    var backend: FirewallSelection.Choice?
    var wait: Double?
    var dryRun = false
    var config: String
    var dev: String
    var chain = ApplyOptions.defaultChain
    var toSource: IPv4Address?
    var prune = false
    var check = false
    var overlay: NamespaceTarget?
    var node: IPv4Address?

    func run() throws {
        PhaseTimings.mark("arguments")
        let network = try ServicesFile.load(path: config)
        PhaseTimings.mark("services file")
        let peers = try overlay.map { target in (try NetNamespace(target), try OverlayPeerSet.remote(of: network, localNode: node)) }
        let session = try Session(netns: netns, json: json, backend: CommonOptions.backendChoice(given: backend), wait: wait)
        PhaseTimings.mark("namespace entered")
        let state = KernelNamespaceState(session.kernel)
        let intent = try LoadBalancerIntent(network, device: dev, chain: chain, toSource: toSource, in: state)
        PhaseTimings.mark("device and its addresses")
        let peerRequests = peers.map { ns, set in
            var set = set
            set.subnet = set.subnet ?? intent.snat?.subnet  // the file's, or else that of the device's own address
            return [ChangeRequest.overlayPeers(ns, set, prune: prune)]
        }
        var report = try Transaction(kernel: session.kernel, state: state).run(
            [.reconcile(intent, prune: prune)] + (peerRequests ?? []), dryRun: dryRun || check)
        // As the reconciler's, what is already so is not listed: a run that changes nothing prints nothing.
        report.decisions.removeAll { if case .alreadyDone = $0 { true } else { false } }
        PhaseTimings.mark(dryRun || check ? "intent" : "intent and changes")
        try session.printReport(report, dryRun: dryRun || check)
        PhaseTimings.mark("output")
        if check, !report.performed.isEmpty { throw ExitCode(3) }
    }
}
