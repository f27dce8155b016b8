import Glibc
import SwarmLBKit

/// A map from lowercased wire-form domain names (as `DNSMessage.parse` writes them) to values,
/// looked up straight from a query's bytes: no String, no allocation, one hash per query. Keys live
/// back to back in one byte array; slots are open-addressed and kept at most half full.
struct NameTable<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var keyStart: Int32
        var keyLength: Int32
        var value: Value
    }

    private var keys: [UInt8] = []
    private var entries: [Entry] = []
    /// Index into `entries` plus one; 0 marks an empty slot.
    private var slots = [Int32](repeating: 0, count: 16)

    var count: Int { entries.count }

    subscript(_ name: UnsafeRawBufferPointer) -> Value? {
        guard let index = find(name).entry else { return nil }
        return entries[index].value
    }

    /// Sets the value of `name`; an existing value is replaced only when `replacing`.
    mutating func insert(_ name: [UInt8], _ value: Value, replacing: Bool = true) {
        name.withUnsafeBytes { bytes in
            let (entry, slot) = find(bytes)
            if let entry {
                if replacing { entries[entry].value = value }
                return
            }
            entries.append(Entry(keyStart: Int32(keys.count), keyLength: Int32(bytes.count), value: value))
            keys.append(contentsOf: bytes)
            slots[slot] = Int32(entries.count)
        }
        if 2 * entries.count > slots.count { rehash(slots.count * 2) }
    }

    /// The entry holding `name`, or the empty slot where it would go.
    private func find(_ name: UnsafeRawBufferPointer) -> (entry: Int?, slot: Int) {
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        return keys.withUnsafeBytes { keyBytes in
            while true {
                let index = Int(slots[slot])
                if index == 0 { return (nil, slot) }
                let e = entries[index - 1]
                if Int(e.keyLength) == name.count,
                    name.count == 0 || memcmp(keyBytes.baseAddress! + Int(e.keyStart), name.baseAddress!, name.count) == 0
                {
                    return (index - 1, slot)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func rehash(_ capacity: Int) {
        var slots = [Int32](repeating: 0, count: capacity)
        keys.withUnsafeBytes { keyBytes in
            for (i, e) in entries.enumerated() {
                var slot =
                    Self.hash(UnsafeRawBufferPointer(rebasing: keyBytes[Int(e.keyStart)..<Int(e.keyStart + e.keyLength)])) & (capacity - 1)
                while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
                slots[slot] = Int32(i + 1)
            }
        }
        self.slots = slots
    }

    /// FNV-1a, 64-bit. Queries only probe, never insert, so a client cannot lengthen a chain.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ h >> 32)
    }

    /// Drops the spare capacity the arrays grew while inserting (a table is built once, kept long).
    mutating func compact() {
        keys = keys.withUnsafeBufferPointer { Array($0) }
        entries = entries.withUnsafeBufferPointer { Array($0) }
    }

    /// Adds every name of `other` with its value; an existing value is replaced only when `replacing`.
    mutating func insertAll(_ other: NameTable, replacing: Bool) {
        for e in other.entries {
            insert(Array(other.keys[Int(e.keyStart)..<Int(e.keyStart + e.keyLength)]), e.value, replacing: replacing)
        }
    }

    /// Adds each name with `suffix` appended, with the same value, unless that name is already in.
    mutating func insertSuffixed(_ suffix: [UInt8]) {
        for i in 0..<entries.count {
            let e = entries[i]
            insert(Array(keys[Int(e.keyStart)..<Int(e.keyStart + e.keyLength)]) + suffix, e.value, replacing: false)
        }
    }
}
