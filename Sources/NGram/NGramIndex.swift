/// An open-addressing hash map from 64-bit n-gram keys to dense indices 0..<count, in insertion
/// order. Keys are exact (no fingerprinting), so lookups never confuse two n-grams.
///
/// Expected O(1) per operation at load ≤ 1/2; memory 12 bytes per slot.
struct NGramIndex: Sendable {
    private static let empty = UInt64.max
    private(set) var keys: [UInt64]
    private(set) var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(expectedCount: Int) {
        var capacity = 1024
        while capacity < expectedCount * 2 { capacity *= 2 }
        keys = [UInt64](repeating: Self.empty, count: capacity)
        values = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    /// The key of an n-gram in the reverse trie: the index of its suffix (all but the first
    /// word) at the order below, and its first word.
    @inline(__always)
    static func key(suffix: Int32, first: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: suffix)) << 32 | UInt64(UInt32(bitPattern: first))
    }

    @inline(__always)
    private static func slot(for key: UInt64) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }

    /// The index of `key`, or -1.
    @inline(__always)
    func find(_ key: UInt64) -> Int32 {
        keys.withUnsafeBufferPointer { keys in
            var slot = Self.slot(for: key) & mask
            while true {
                let stored = keys[slot]
                if stored == key { return values[slot] }
                if stored == Self.empty { return -1 }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The index of `key`, adding it with index `count` when absent.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> (index: Int32, inserted: Bool) {
        if (count + 1) * 2 > keys.count { grow() }
        var slot = Self.slot(for: key) & mask
        while true {
            let stored = keys[slot]
            if stored == key { return (values[slot], false) }
            if stored == Self.empty { break }
            slot = (slot + 1) & mask
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
        mask = capacity - 1
        for slot in 0..<oldKeys.count where oldKeys[slot] != Self.empty {
            var target = Self.slot(for: oldKeys[slot]) & mask
            while keys[target] != Self.empty { target = (target + 1) & mask }
            keys[target] = oldKeys[slot]
            values[target] = oldValues[slot]
        }
    }
}
