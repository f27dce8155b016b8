import Glibc

/// Signals a thread takes as values (sigtimedwait(2)) instead of through handlers.
/// `init` blocks them in the calling thread, and so in every thread created after it: make it
/// before any other thread exists, or some thread would take them the default way.
public struct SignalSet {
    private var set = sigset_t()
    private var previous = sigset_t()

    public init(_ signals: [Int32]) {
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, &previous)
    }

    /// The next pending signal of the set, waiting up to `seconds`; nil when none came.
    public func wait(seconds: Int) -> Int32? {
        wait(timeout: timespec(tv_sec: seconds, tv_nsec: 0))
    }

    /// A signal of the set that is already pending, taken; nil when none is.
    public func pending() -> Int32? { wait(timeout: timespec(tv_sec: 0, tv_nsec: 0)) }

    /// Puts the thread's signal mask back as it was before `init`.
    public func restore() {
        var previous = self.previous
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }

    private func wait(timeout: timespec) -> Int32? {
        var set = self.set
        var timeout = timeout
        let signal = sigtimedwait(&set, nil, &timeout)
        return signal > 0 ? signal : nil
    }
}
