/// One n-gram in a probing table: its key (the slot of its suffix at the order below and its
/// first word) with its log10 probability and its log10 backoff as a context, so a lookup
/// touches one cache line — the layout of KenLM's probing model.
struct ProbingEntry: Sendable, BitwiseCopyable {
    static let emptyKey = UInt64.max
    var key: UInt64
    var log10Probability: Float
    var log10Backoff: Float

    static let empty = ProbingEntry(key: emptyKey, log10Probability: 0, log10Backoff: 0)
}

/// Slot arithmetic shared by table building and lookups.
enum ProbingTables {
    static let maximumLoad = 0.7

    static func capacity(for count: Int) -> Int {
        max(64, Int((Double(count) / maximumLoad).rounded(.up)) + 1)
    }

    /// The home slot of a key: the high half of a 128-bit product of the mixed key and capacity.
    @inline(__always)
    static func home(_ key: UInt64, capacity: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return Int(h.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    static func insertionSlot(for key: UInt64, in table: UnsafeMutableBufferPointer<ProbingEntry>) -> Int {
        var slot = home(key, capacity: table.count)
        while table[slot].key != ProbingEntry.emptyKey {
            precondition(table[slot].key != key, "duplicate n-gram key")
            slot += 1
            if slot == table.count { slot = 0 }
        }
        return slot
    }
}
