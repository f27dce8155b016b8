/// Decides the overlay plane's changes (devices, bridge ports, neighbour and FDB entries) against the
/// namespace's state (`NamespaceState`), as `StatePlanner` does the rest: a device already there of
/// the same kind is left as it is (settings not asked for are kept), an entry that points elsewhere is
/// replaced (and put back on rollback), a removal that names an entry otherwise than the kernel holds
/// it removes nothing.
struct OverlayPlanner {
    let state: any NamespaceState

    func decide(_ change: KernelChange) throws -> Transaction.Decision {
        switch change {
        case .addLink(let l):
            guard let old = try state.link(l.name) else {
                state.plan(link: l.name)
                if case .veth(let peer) = l.kind {
                    let other = try state.elsewhere(NetNamespace(verified: peer.namespace))
                    if try other.link(peer.name) != nil {
                        throw Transaction.Failure.refused("\(peer.name) already exists in \(peer.namespace)")
                    }
                    other.plan(link: peer.name)
                }
                return .perform(change, undo: [.deleteLink(l.name)])
            }
            if old.kind != l.kind.name {
                throw Transaction.Failure.refused(
                    "\(l.name) exists as a device of kind \(old.kind.isEmpty ? "none" : old.kind), not \(l.kind.name)")
            }
            if case .vxlan(let v) = l.kind, let vni = old.vni, vni != v.vni {
                throw Transaction.Failure.refused("\(l.name) exists with VXLAN id \(vni), not \(v.vni)")
            }
            return .alreadyDone(change)
        case .deleteLink(let name):
            return try state.link(name) == nil && !state.plannedLinks.contains(name) ? .absent(change) : .perform(change, undo: [])
        case let .setMaster(name, master):
            if state.plannedLinks.contains(name) { return .perform(change, undo: [.setMaster(name, master: nil)]) }
            guard let old = try state.link(name) else { throw KernelError.noSuchDevice(name) }
            return old.master == master ? .alreadyDone(change) : .perform(change, undo: [.setMaster(name, master: old.master)])

        case let .addNeighbour(n, _):
            guard let old = try state.neighbours(n.device).first(where: { $0.address == n.address }) else {
                return .perform(.addNeighbour(n, replace: false), undo: [.deleteNeighbour(n)])
            }
            if old.mac == n.mac, old.permanent { return .alreadyDone(.addNeighbour(n, replace: false)) }
            return .perform(
                .addNeighbour(n, replace: true), undo: [old.permanent ? .addNeighbour(old, replace: true) : .deleteNeighbour(n)])
        case .deleteNeighbour(let n):
            guard let old = try state.neighbours(n.device).first(where: { $0.address == n.address }) else { return .absent(change) }
            if old.mac != n.mac { return .notFound("\(n.address) on \(n.device) has lladdr \(old.mac), not \(n.mac): nothing removed") }
            return .perform(change, undo: [.addNeighbour(old, replace: false)])

        case let .addForwardingEntry(f, _):
            let entries = try state.forwardingEntries(f.device).filter { $0.mac == f.mac }
            if entries.contains(where: { $0.destination == f.destination && $0.permanent }) {
                return .alreadyDone(.addForwardingEntry(f, replace: false))
            }
            guard let old = entries.first else {
                return .perform(.addForwardingEntry(f, replace: false), undo: [.deleteForwardingEntry(f)])
            }
            return .perform(
                .addForwardingEntry(f, replace: true),
                undo: [old.permanent ? .addForwardingEntry(old, replace: true) : .deleteForwardingEntry(f)])
        case .deleteForwardingEntry(let f):
            let entries = try state.forwardingEntries(f.device).filter { $0.mac == f.mac }
            guard !entries.isEmpty else { return .absent(change) }
            guard let old = entries.first(where: { $0.destination == f.destination }) else {
                let held = entries.map { "\($0.destination)" }.joined(separator: ", ")
                return .notFound("\(f.mac) on \(f.device) goes to \(held), not \(f.destination): nothing removed")
            }
            return .perform(change, undo: [.addForwardingEntry(old, replace: false)])

        default:
            preconditionFailure("not an overlay change: \(change)")
        }
    }

}
