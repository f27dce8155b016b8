/// An iptables match or target extension swarmlb does not decode (`-m limit ...`, `-j LOG ...`), kept
/// byte for byte so it is never dropped or changed: its name, revision and payload as the kernel holds
/// them, and, when a listing read asked libxtables' plugin for it, the text the plugin printed
/// (` -m NAME OPTIONS`, ` -j NAME OPTIONS`), which `iptables -S` prints for it.
///
/// One object: the payload and the text are stored after the header in the same allocation, so a
/// listing of thousands of such rules makes and frees one object per extension. Immutable once made.
/// The text is a function of the payload (and the rule's IP part), so it takes no part in comparing:
/// an extension read with it equals the same extension read or built without it.
public struct OpaqueExtension: Hashable, @unchecked Sendable {
    /// Where the header, payload and text live; never changed once made (hence Sendable).
    final class Storage: ManagedBuffer<Header, UInt8> {}

    struct Header {
        let name: String
        let revision: UInt8
        let dataCount: Int
        /// -1: not printed (no plugin prints the extension, or the reader was not listing).
        let textCount: Int
    }

    private let storage: Storage

    /// An extension of `data`, with `text` when a plugin printed it.
    public init(name: String, revision: UInt8, data: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer? = nil) {
        let textCount = text?.count ?? -1
        let made = Storage.create(minimumCapacity: data.count + max(0, textCount)) { _ in
            Header(name: name, revision: revision, dataCount: data.count, textCount: textCount)
        }
        made.withUnsafeMutablePointerToElements { start in
            if let base = data.baseAddress { start.update(from: base.assumingMemoryBound(to: UInt8.self), count: data.count) }
            if let text, let base = text.baseAddress {
                (start + data.count).update(from: base.assumingMemoryBound(to: UInt8.self), count: text.count)
            }
        }
        storage = unsafeDowncast(made, to: Storage.self)
    }

    public init(name: String, revision: UInt8, data: [UInt8]) {
        self = data.withUnsafeBytes { OpaqueExtension(name: name, revision: revision, data: $0) }
    }

    // The header read through its pointer: `header` itself is a class property, checked for exclusive access on each read.
    public var name: String { storage.withUnsafeMutablePointerToHeader { $0.pointee.name } }
    public var revision: UInt8 { storage.withUnsafeMutablePointerToHeader { $0.pointee.revision } }
    /// The payload (the kernel's `xt_entry_match`/`xt_entry_target` data after the header).
    public var data: [UInt8] { withData { Array($0) } }
    public var isPrinted: Bool { storage.withUnsafeMutablePointerToHeader { $0.pointee.textCount >= 0 } }

    public func withData<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeMutablePointers { h, start in
            try body(UnsafeRawBufferPointer(start: start, count: h.pointee.dataCount))
        }
    }

    /// The printed text, or nil when not printed.
    public func withText<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        try storage.withUnsafeMutablePointers { h, start in
            let count = h.pointee.textCount
            return try body(count < 0 ? nil : UnsafeRawBufferPointer(start: start + h.pointee.dataCount, count: count))
        }
    }

    /// The same extension with the text `text` printed for it.
    public func printed(_ text: UnsafeRawBufferPointer?) -> OpaqueExtension {
        withData { OpaqueExtension(name: name, revision: revision, data: $0, text: text) }
    }

    public static func == (a: OpaqueExtension, b: OpaqueExtension) -> Bool {
        a.storage === b.storage
            || (a.revision == b.revision && a.name == b.name
                && a.withData { x in b.withData { y in x.elementsEqual(y) } })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(revision)
        withData { hasher.combine(bytes: $0) }
    }
}
