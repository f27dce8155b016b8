extension String {
    /// Calls `body` with the string's UTF-8 bytes in one buffer: the string's own storage when it
    /// has one (a small string's is copied to the stack), else a copy. Parsers of services-file
    /// fields read tens of thousands of strings this way, faster than through `utf8`'s index.
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        utf8.withContiguousStorageIfAvailable(body) ?? Array(utf8).withUnsafeBufferPointer(body)
    }
}
