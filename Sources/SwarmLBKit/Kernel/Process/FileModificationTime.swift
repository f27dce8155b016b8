import Glibc

/// When a file last changed (stat(2) st_mtim), in nanoseconds; nil when it cannot be read.
/// `dns serve --watch` polls it.
public func modificationTime(ofFile path: String) -> Int? {
    var s = stat()
    return stat(path, &s) == 0 ? s.st_mtim.tv_sec * 1_000_000_000 + s.st_mtim.tv_nsec : nil
}
