/// The settings of a real server an operator gave (`ipvsadm -a|-e ... -m -w 1 -x 0 -y 0`); nil ones
/// were not given and stay as the real server has them.
public struct RealServerSettings: Hashable, Sendable {
    public var weight: Int32?
    public var forwarding: ForwardingMethod?
    public var upperThreshold: UInt32?
    public var lowerThreshold: UInt32?

    public init(weight: Int32? = nil, forwarding: ForwardingMethod? = nil, upperThreshold: UInt32? = nil, lowerThreshold: UInt32? = nil) {
        self.weight = weight
        self.forwarding = forwarding
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
    }

    /// `base` with every given setting applied.
    public func applied(to base: RealServer) -> RealServer {
        var r = base
        if let weight { r.weight = weight }
        if let forwarding { r.forwarding = forwarding }
        if let upperThreshold { r.upperThreshold = upperThreshold }
        if let lowerThreshold { r.lowerThreshold = lowerThreshold }
        return r
    }
}
