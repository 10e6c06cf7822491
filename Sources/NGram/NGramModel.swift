import CPrefetch
import Storage
import LanguageModeling
import Tokenization

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

/// Owns the probing tables of orders 2…N and their context slots: either allocated here while a
/// model is laid out (one order at a time, so the dense form can be released order by order),
/// or pages of a mapped model file. They never change afterwards.
final class ProbingStorage: @unchecked Sendable {
    private(set) var tables: [UnsafeMutableBufferPointer<ProbingEntry>]
    /// Per order n ≥ 2, by slot: the slot (word id at n = 2) of the n-gram's context, −1 if empty.
    private(set) var contexts: [UnsafeBufferPointer<Int32>]
    /// The file the tables lie in, when mapped; nil when they were allocated here.
    private let mapping: SectionFileReader?

    init(order: Int) {
        tables = [UnsafeMutableBufferPointer<ProbingEntry>](repeating: .init(start: nil, count: 0), count: order + 1)
        contexts = [UnsafeBufferPointer<Int32>](repeating: .init(start: nil, count: 0), count: order + 1)
        mapping = nil
    }

    /// Tables and contexts that lie in `file` (which this storage keeps open); never written.
    init(mapping file: SectionFileReader, tables: [UnsafeBufferPointer<ProbingEntry>], contexts: [UnsafeBufferPointer<Int32>]) {
        self.tables = tables.map { UnsafeMutableBufferPointer(mutating: $0) }
        self.contexts = contexts
        mapping = file
    }

    /// Allocates order n's table, every slot empty, and its contexts, every slot −1.
    func allocate(order n: Int, capacity: Int) -> (table: UnsafeMutableBufferPointer<ProbingEntry>, contexts: UnsafeMutableBufferPointer<Int32>) {
        precondition(mapping == nil, "a mapped model's tables are read-only")
        let table = UnsafeMutableBufferPointer<ProbingEntry>.allocate(capacity: capacity)
        table.initialize(repeating: .empty)
        let slots = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
        slots.initialize(repeating: -1)
        tables[n] = table
        contexts[n] = UnsafeBufferPointer(slots)
        return (table, slots)
    }

    deinit {
        guard mapping == nil else { return }
        for table in tables where table.baseAddress != nil { table.deallocate() }
        for slots in contexts where slots.baseAddress != nil { slots.deallocate() }
    }
}

/// The output of estimation (and of ARPA import): n-grams indexed densely 0..<count per order.
/// `NGramModel(laying:)` turns it into probing tables.
struct DenseNGrams {
    var order: Int
    var vocabularySize: Int
    /// Per order n ≥ 2: keys (suffix's dense index at n−1, first word) → dense index.
    var indices: [NGramIndex]
    /// Per order n ≥ 1, by dense index (order 1: by word id).
    var log10Probabilities: [[Float]]
    /// Per order 1 ≤ n < order, by dense index: log10 γ as a context (0 if no context).
    var log10Backoffs: [[Float]]
    /// Per order n ≥ 2, by dense index: the dense index of its context at n−1.
    var contexts: [[Int32]]
    var known: [Bool]
}

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
