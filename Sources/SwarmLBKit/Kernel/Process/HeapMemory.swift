import CLinux

/// The process's malloc heap. A long-lived server that parsed a large file once calls
/// `releaseFreed` so that its resident size is what it keeps, not what parsing took.
public enum HeapMemory {
    /// malloc_trim(3): returns freed heap pages to the kernel.
    public static func releaseFreed() { _ = malloc_trim(0) }
}
