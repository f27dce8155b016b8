import Glibc

/// The IPVS connection table of the current namespace, as `ipvsadm -Lnc` reads it.
public enum IPVSConnectionTable {
    public static func read() throws(KernelError) -> [IPVSConnection] {
        do throws(KernelError) {
            return IPVSConnection.parse(procText: try ProcFile.read("/proc/thread-self/net/ip_vs_conn"))
        } catch  where error.errno == ENOENT {
            throw .ipvsUnavailable(reason: "no /proc/net/ip_vs_conn")
        }
    }
}
