/// The kernel interfaces of the namespace swarmlb runs in, opened on first use.
/// Create it after `NetNamespace.enter()`: every socket it opens belongs to the namespace it was made in.
public final class Kernel {
    private var ipvsTable: IPVSTable?
    private var addressTable: AddressTable?
    private var linkTable: LinkTable?

    public init() {}

    public func ipvs() throws(KernelError) -> IPVSTable {
        if let t = ipvsTable { return t }
        let t = try IPVSTable()
        ipvsTable = t
        return t
    }

    public func addresses() throws(KernelError) -> AddressTable {
        if let t = addressTable { return t }
        let t = try AddressTable()
        addressTable = t
        return t
    }

    public func links() throws(KernelError) -> LinkTable {
        if let t = linkTable { return t }
        let t = try LinkTable()
        linkTable = t
        return t
    }
}
