import CPrefetch

/// An interpolated modified Kneser-Ney n-gram model (orders 2–6), stored in backoff form like
/// an ARPA file: every n-gram has log10 p(w | h) already interpolated with lower orders, and
/// every context has log10 of its backoff weight γ(h).
///
/// Orders ≥ 2 live in open-addressing tables (load ≤ 0.7) of `ProbingEntry`; an n-gram is
/// identified by its slot, and keys chain through suffix slots (a reverse trie), so extending a
/// match one word to the left is one lookup. Order 1 is dense by word id.
public struct NGramModel: Sendable {
    public let order: Int
    /// Ids 0..<vocabularySize; an id the model never saw in training scores as the unknown word.
    public let vocabularySize: Int
    /// Per order (index 1…order): the discounts used; empty for an imported ARPA model.
    public let discounts: [Discounts]
    /// Size of the uniform distribution at the unigram level: seen types other than `<s>`, plus
    /// one for the unknown word.
    public let uniformSize: Int
    /// log10 p of an unknown word (the unigram level's uniform share).
    public let unknownLog10: Float

    let unigramLog10: [Float]
    let unigramBackoffs: [Float]
    /// Unigrams the model knows (seen in training, or `<s>`).
    let known: [Bool]
    /// The probing tables of orders 2…N.
    let storage: ProbingStorage
    let tableCapacity: [Int]
    /// Per order: number of n-grams.
    let counts: [Int]
    /// Per order n ≥ 2, by slot: the slot (word id at n = 2) of the n-gram's context, −1 if empty.
    var contexts: [UnsafeBufferPointer<Int32>] { storage.contexts }

    /// Number of n-grams of order n.
    public func count(order n: Int) -> Int { counts[n] }

    init(order: Int, vocabularySize: Int, discounts: [Discounts], uniformSize: Int, unknownLog10: Float,
         unigramLog10: [Float], unigramBackoffs: [Float], known: [Bool], storage: ProbingStorage,
         tableCapacity: [Int], counts: [Int]) {
        self.order = order
        self.vocabularySize = vocabularySize
        self.discounts = discounts
        self.uniformSize = uniformSize
        self.unknownLog10 = unknownLog10
        self.unigramLog10 = unigramLog10
        self.unigramBackoffs = unigramBackoffs
        self.known = known
        self.storage = storage
        self.tableCapacity = tableCapacity
        self.counts = counts
    }

    /// Stage 5 (like building KenLM's binary): dense n-grams into probing tables, order by
    /// order, releasing each dense order as soon as it is laid out. O(n-grams).
    init(laying dense: consuming DenseNGrams, discounts: [Discounts], uniformSize: Int, unknownLog10: Float) {
        var dense = dense
        let order = dense.order
        var capacities = [0, 0]
        var counts = [0, dense.known.count { $0 }]
        for n in 2...order {
            counts.append(dense.indices[n].count)
            capacities.append(ProbingTables.capacity(for: dense.indices[n].count))
        }
        let storage = ProbingStorage(order: order)
        var slotOfLower: [Int32] = []   // dense index → slot, for the order below
        for n in 2...order {
            let keys = dense.indices[n].keysInIndexOrder()
            dense.indices[n] = NGramIndex(expectedCount: 0)
            let (table, contextOfSlot) = storage.allocate(order: n, capacity: capacities[n])
            var slotOf = [Int32](repeating: -1, count: keys.count)
            let logs = dense.log10Probabilities[n]
            let backoffs = n < order ? dense.log10Backoffs[n] : []
            let denseContexts = dense.contexts[n]
            slotOfLower.withUnsafeBufferPointer { lowerSlots in
                @inline(__always) func key(_ j: Int) -> UInt64 {
                    let suffix = Int32(truncatingIfNeeded: keys[j] >> 32), first = Int32(truncatingIfNeeded: keys[j] & 0xFFFF_FFFF)
                    return NGramIndex.key(suffix: n == 2 ? suffix : lowerSlots[Int(suffix)], first: first)
                }
                for j in 0..<keys.count {
                    // Every read below is random: the lower slots are fetched 16 n-grams ahead,
                    // the home slot (found through them) 8 ahead.
                    if n > 2 && j + 16 < keys.count {
                        prefetchForReading(lowerSlots.baseAddress! + Int(keys[j + 16] >> 32))
                        prefetchForReading(lowerSlots.baseAddress! + Int(denseContexts[j + 16]))
                    }
                    if j + 8 < keys.count {
                        let home = ProbingTables.home(key(j + 8), capacity: table.count)
                        prefetchForReading(table.baseAddress! + home)
                        prefetchForReading(contextOfSlot.baseAddress! + home)
                    }
                    let key = key(j)
                    let slot = ProbingTables.insertionSlot(for: key, in: table)
                    table[slot] = ProbingEntry(key: key, log10Probability: logs[j], log10Backoff: n < order ? backoffs[j] : 0)
                    slotOf[j] = Int32(slot)
                    let context = denseContexts[j]
                    contextOfSlot[slot] = n == 2 ? context : lowerSlots[Int(context)]
                }
            }
            dense.log10Probabilities[n] = []
            if n < order { dense.log10Backoffs[n] = [] }
            dense.contexts[n] = []
            slotOfLower = slotOf
        }
        self.init(order: order, vocabularySize: dense.vocabularySize, discounts: discounts, uniformSize: uniformSize,
                  unknownLog10: unknownLog10, unigramLog10: dense.log10Probabilities[1], unigramBackoffs: dense.log10Backoffs[1],
                  known: dense.known, storage: storage, tableCapacity: capacities, counts: counts)
    }
}

extension NGramModel {
    /// Every n-gram of order n ≥ 2 as (slot, entry), in slot order.
    func forEachEntry(order n: Int, _ body: (Int32, ProbingEntry) throws -> Void) rethrows {
        let table = storage.tables[n]
        for slot in 0..<table.count {
            let entry = table[slot]
            if entry.key != ProbingEntry.emptyKey { try body(Int32(slot), entry) }
        }
    }

    /// The words of the order-n n-gram in `slot`, first to last. O(order).
    func words(ofSlot slot: Int32, order n: Int) -> [Int32] {
        var words: [Int32] = []
        var current = slot
        var level = n
        while level >= 2 {
            let key = storage.tables[level][Int(current)].key
            words.append(Int32(truncatingIfNeeded: key & 0xFFFF_FFFF))
            current = Int32(truncatingIfNeeded: key >> 32)
            level -= 1
        }
        words.append(current)
        return words
    }
}
