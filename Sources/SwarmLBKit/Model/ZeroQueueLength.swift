/// Whether the `ip` installed beside swarmlb prints `qlen 0` for a device whose IFLA_TXQLEN is 0 (Docker 28's
/// veths and bridges), so that `inspect link` matches its `ip -o link show`: iproute2 7.3 (sid's) does, 6.15
/// (trixie's) and earlier do not; the releases between were not seen and count as the older behaviour. Which
/// iproute2 is installed is read from dpkg's record (Kernel), as for AddressProtocolNames.
public enum ZeroQueueLength {
    static func printed(byVersion version: String) -> Bool { AddressProtocolNames.isAtLeast(version, (7, 3)) }
}
