import CPrefetch

/// An open-addressing hash map from 64-bit n-gram keys to dense indices 0..<count, in insertion
/// order. Keys are exact (no fingerprinting), so lookups never confuse two n-grams.
///
/// Linear probing at load ≤ 0.7 over any number of slots (the hash is mapped onto the range by
/// multiplication, so the table need not be a power of two: memory is ~17 bytes per key).
/// Expected O(1) per operation.
struct NGramIndex: Sendable {
    private static let empty = UInt64.max
    private static let maximumLoad = 0.7
    private(set) var keys: [UInt64]
    private(set) var values: [Int32]
    private(set) var count = 0

    init(expectedCount: Int) {
        let capacity = max(64, Int((Double(expectedCount) / Self.maximumLoad).rounded(.up)) + 1)
        keys = [UInt64](repeating: Self.empty, count: capacity)
        values = [Int32](repeating: -1, count: capacity)
    }

    /// The key of an n-gram in the reverse trie: the index of its suffix (all but the first
    /// word) at the order below, and its first word.
    @inline(__always)
    static func key(suffix: Int32, first: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: suffix)) << 32 | UInt64(UInt32(bitPattern: first))
    }

    /// A slot in 0..<capacity: the high half of a 128-bit product of a mixed key and capacity.
    @inline(__always)
    private static func slot(for key: UInt64, capacity: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return Int(h.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// The index of `key`, or -1.
    @inline(__always)
    func find(_ key: UInt64) -> Int32 {
        keys.withUnsafeBufferPointer { keys in
            var slot = Self.slot(for: key, capacity: keys.count)
            while true {
                let stored = keys[slot]
                if stored == key { return values[slot] }
                if stored == Self.empty { return -1 }
                slot += 1
                if slot == keys.count { slot = 0 }
            }
        }
    }

    /// Starts loading the slot where a search for `key` begins, so that a lookup a few steps
    /// later finds it in cache.
    @inline(__always)
    func prefetch(_ key: UInt64) {
        let slot = Self.slot(for: key, capacity: keys.count)
        keys.withUnsafeBufferPointer { prefetchForReading($0.baseAddress! + slot) }
        values.withUnsafeBufferPointer { prefetchForReading($0.baseAddress! + slot) }
    }

    /// The index of `key`, adding it with index `count` when absent.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> (index: Int32, inserted: Bool) {
        if Double(count + 1) > Double(keys.count) * Self.maximumLoad { grow() }
        var slot = Self.slot(for: key, capacity: keys.count)
        while true {
            let stored = keys[slot]
            if stored == key { return (values[slot], false) }
            if stored == Self.empty { break }
            slot += 1
            if slot == keys.count { slot = 0 }
        }
        keys[slot] = key
        values[slot] = Int32(count)
        count += 1
        return (Int32(count - 1), true)
    }

    /// Every key with its index, in slot order.
    func forEach(_ body: (UInt64, Int32) -> Void) {
        for slot in 0..<keys.count where keys[slot] != Self.empty { body(keys[slot], values[slot]) }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let capacity = keys.count * 2
        keys = [UInt64](repeating: Self.empty, count: capacity)
        values = [Int32](repeating: -1, count: capacity)
        for slot in 0..<oldKeys.count where oldKeys[slot] != Self.empty {
            var target = Self.slot(for: oldKeys[slot], capacity: capacity)
            while keys[target] != Self.empty {
                target += 1
                if target == capacity { target = 0 }
            }
            keys[target] = oldKeys[slot]
            values[target] = oldValues[slot]
        }
    }

    /// The same map in a table sized for its count (counting over-allocates to avoid growth);
    /// itself when it is within a fifth of that size.
    func compacted() -> NGramIndex {
        var index = NGramIndex(expectedCount: count)
        if keys.count * 4 <= index.keys.count * 5 { return self }
        forEach { key, value in
            var target = Self.slot(for: key, capacity: index.keys.count)
            while index.keys[target] != Self.empty {
                target += 1
                if target == index.keys.count { target = 0 }
            }
            index.keys[target] = key
            index.values[target] = value
        }
        index.count = count
        return index
    }

    /// The keys in index order.
    func keysInIndexOrder() -> [UInt64] {
        var ordered = [UInt64](repeating: 0, count: count)
        forEach { key, index in ordered[Int(index)] = key }
        return ordered
    }
}
