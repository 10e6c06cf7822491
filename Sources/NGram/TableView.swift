/// Raw pointers into a model's tables, valid inside `NGramModel.withTables`: the hot loops
/// (scoring, decoding) pay no reference counting or bounds checks per lookup. Threads may share
/// one: the tables never change.
struct TableView: @unchecked Sendable {
    let order: Int
    let vocabularySize: Int
    let unknownLog10: Float
    let tables: InlineArray<8, UnsafeMutablePointer<ProbingEntry>?>
    let capacities: InlineArray<8, Int>
    let unigramLog10: UnsafePointer<Float>
    let unigramBackoffs: UnsafePointer<Float>
    let known: UnsafePointer<Bool>

    /// The slot of `key` at order n, or −1. Expected O(1), one cache line.
    @inline(__always)
    func find(_ key: UInt64, order n: Int) -> Int32 {
        let table = tables[n].unsafelyUnwrapped, capacity = capacities[n]
        var slot = ProbingTables.home(key, capacity: capacity)
        while true {
            let stored = table[slot].key
            if stored == key { return Int32(slot) }
            if stored == ProbingEntry.emptyKey { return -1 }
            slot += 1
            if slot == capacity { slot = 0 }
        }
    }

    @inline(__always)
    func entry(_ slot: Int32, order n: Int) -> ProbingEntry {
        tables[n].unsafelyUnwrapped[Int(slot)]
    }

    @inline(__always)
    func isKnown(_ word: Int32) -> Bool {
        word >= 0 && Int(word) < vocabularySize && known[Int(word)]
    }

    /// log10 p at order n of the n-gram in `slot` (n = 1: the word id).
    @inline(__always)
    func log10Probability(_ slot: Int32, order n: Int) -> Float {
        n == 1 ? unigramLog10[Int(slot)] : entry(slot, order: n).log10Probability
    }

    /// log10 backoff at order n of the n-gram in `slot` (n = 1: the word id).
    @inline(__always)
    func log10Backoff(_ slot: Int32, order n: Int) -> Float {
        n == 1 ? unigramBackoffs[Int(slot)] : entry(slot, order: n).log10Backoff
    }
}

extension NGramModel {
    func withTables<R>(_ body: (TableView) throws -> R) rethrows -> R {
        var tables = InlineArray<8, UnsafeMutablePointer<ProbingEntry>?>(repeating: nil)
        var capacities = InlineArray<8, Int>(repeating: 1)
        for n in 2...order {
            tables[n] = storage.tables[n].baseAddress
            capacities[n] = tableCapacity[n]
        }
        return try unigramLog10.withUnsafeBufferPointer { logs in
            try unigramBackoffs.withUnsafeBufferPointer { backoffs in
                try known.withUnsafeBufferPointer { known in
                    // `self` keeps `storage` (and so the tables) alive for the whole call.
                    try withExtendedLifetime(storage) {
                        try body(TableView(order: order, vocabularySize: vocabularySize, unknownLog10: unknownLog10,
                                           tables: tables, capacities: capacities, unigramLog10: logs.baseAddress!,
                                           unigramBackoffs: backoffs.baseAddress!, known: known.baseAddress!))
                    }
                }
            }
        }
    }
}
