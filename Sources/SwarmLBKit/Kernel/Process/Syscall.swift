import Glibc

/// Runs a syscall that returns -1 and sets errno on failure, retrying EINTR,
/// and turns the failure into a `KernelError.syscall` naming the call and its object.
@discardableResult
public func syscall<T: FixedWidthInteger>(_ call: String, _ object: String, _ body: () -> T) throws(KernelError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let e = Glibc.errno
        if e == EINTR { continue }
        throw .syscall(call: call, object: object, errno: e)
    }
}
