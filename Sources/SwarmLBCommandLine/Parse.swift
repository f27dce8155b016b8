import ArgumentParser
import SwarmLBKit

/// The parser's transforms: each option's text becomes its model value while the command line is
/// parsed (`@Option(transform: Parse.mark) var fwm: FirewallMark`), so a bad value is a usage error
/// (exit 2) before anything enters a namespace, and run() never converts strings.
/// The parser words a failure as "The value '0' is invalid for '-p <persistent>': not a valid ...".
public enum Parse {
    public static func address(_ s: String) throws -> IPv4Address { try parsed { try IPv4Address(parsing: s) } }
    public static func vip(_ s: String) throws -> IPv4Address { try parsed { try IPv4Address(parsingVIP: s) } }
    public static func subnet(_ s: String) throws -> IPv4Subnet { try parsed { try IPv4Subnet(parsing: s) } }
    public static func mark(_ s: String) throws -> FirewallMark { try parsed { try FirewallMark(parsing: s) } }
    /// The mangle chain of a port mark: any of `MarkRule.chains`.
    public static func chain(_ s: String) throws -> String { try parsed { try MarkRule.parseChain(s) } }
    /// The mangle chain of a VIP's mark (`vip`, `service`, `apply`): INPUT or OUTPUT.
    public static func vipChain(_ s: String) throws -> String { try parsed { try MarkRule.parseChain(s, among: MarkRule.vipChains) } }
    public static func namespace(_ s: String) throws -> NamespaceTarget { try parsed { try NamespaceTarget(parsing: s) } }
    public static func upstream(_ s: String) throws -> DNSUpstream { try parsed { try DNSUpstream(parsing: s) } }
    public static func table(_ s: String) throws -> FirewallTable { try parsed { try FirewallTable(parsing: s) } }
    public static func scheduler(_ s: String) throws -> IPVSScheduler { try parsed { try IPVSScheduler(parsing: s) } }
    public static func forwarding(_ s: String) throws -> ForwardingMethod { try parsed { try ForwardingMethod(parsing: s) } }
    public static func port(_ s: String) throws -> TransportPort { try parsed { try TransportPort(parsing: s) } }
    public static func redirect(_ s: String) throws -> TaskRedirect.Ports { try parsed { try TaskRedirect.Ports(parsing: s) } }
    /// A timeout of 1 second or more.
    public static func seconds(_ s: String) throws -> Int {
        guard let n = Int(s), n > 0 else { throw InvalidArgument("number of seconds (1 or more)") }
        return n
    }
    /// A count of 1 or more (a limit of 0 would refuse everything).
    public static func count(_ s: String) throws -> Int {
        guard let n = Int(s), n > 0 else { throw InvalidArgument("count (1 or more)") }
        return n
    }
    /// A port to listen on: 1-65535 (0 would be any port, which nothing could be redirected to).
    public static func listeningPort(_ s: String) throws -> UInt16 {
        guard let p = UInt16(s), p > 0 else { throw InvalidArgument("port (1-65535)") }
        return p
    }
    /// A real server as `real add` takes it: ADDR or ADDR:PORT.
    public static func endpoint(_ s: String) throws -> RealServer.Endpoint { try parsed { try RealServer.parseEndpoint(s) } }
    /// ipvsadm -p takes 1 second or more.
    public static func persistence(_ s: String) throws -> UInt32 {
        guard let p = UInt32(s), p > 0 else { throw InvalidArgument("persistence timeout (1 second or more, as ipvsadm -p)") }
        return p
    }
    public static func device(_ s: String) throws -> String {
        guard !s.isEmpty, s.utf8.count < 16, !s.contains("/"), !s.contains(where: \.isWhitespace) else {
            throw InvalidArgument("device name (1-15 characters, no '/' or spaces)")
        }
        return s
    }
    public static func mac(_ s: String) throws -> MACAddress { try parsed { try MACAddress(parsing: s) } }
    /// An address with its prefix length (`10.0.0.5/24`), on no device yet.
    public static func addressWithPrefix(_ s: String) throws -> InterfaceAddress {
        try parsed {
            let (address, length) = try OverlayAttachment.parseAddress(s)
            return InterfaceAddress(address: address, prefixLength: length, device: "")
        }
    }
    public static func vni(_ s: String) throws -> UInt32 {
        guard let v = UInt32(s), (1...0xff_ffff).contains(v) else { throw InvalidArgument("VXLAN id (1-16777215)") }
        return v
    }
    public static func mtu(_ s: String) throws -> Int {
        guard let m = Int(s), (68...65535).contains(m) else { throw InvalidArgument("MTU (68-65535)") }
        return m
    }
    public static func udpPort(_ s: String) throws -> UInt16 {
        guard let p = UInt16(s), p > 0 else { throw InvalidArgument("UDP port (1-65535)") }
        return p
    }
    public static func weight(_ s: String) throws -> Int32 {
        guard let w = Int32(s), (0...65535).contains(w) else { throw InvalidArgument("weight (0-65535)") }
        return w
    }

    /// The model's own parsing, its ValidationError reworded for the parser.
    private static func parsed<T>(_ parse: () throws -> T) throws -> T {
        do { return try parse() } catch let error as SwarmLBKit.ValidationError { throw InvalidArgument(error.reason) }
    }
}

/// Why the parser refused an option's value: the reason alone, as the parser already names the
/// value and the option.
public struct InvalidArgument: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "not a valid \(reason)" }
}
