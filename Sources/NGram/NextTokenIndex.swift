import Dispatch
import LanguageModeling
import Tokenization

/// The running context for decoding: what `advance` keeps between tokens.
public struct NGramContext: Sendable {
    var state: ScoringState
}

extension NGramModel {
    /// The context after `<s>` and then `words`.
    public func context<C: Collection>(after words: C) -> NGramContext where C.Element == Int32 {
        withTables { tables in
            var state = tables.startState()
            for word in words { _ = tables.advance(&state, word: word) }
            return NGramContext(state: state)
        }
    }

    /// `context` extended by one word.
    public func extending(_ context: NGramContext, with word: Int32) -> NGramContext {
        extending([context], parents: [0], with: [word])[0]
    }

    /// For each i, `contexts[parents[i]]` extended by `words[i]`, in one pass through the tables.
    /// - Complexity: O(count × order).
    func extending(_ contexts: [NGramContext], parents: [Int], with words: [Int32]) -> [NGramContext] {
        withTables { tables in
            zip(parents, words).map { parent, word in
                var state = contexts[parent].state
                _ = tables.advance(&state, word: word)
                return NGramContext(state: state)
            }
        }
    }

    /// log10 p(word | context), exactly as scoring computes it.
    public func log10Probability(of word: Int32, after context: NGramContext) -> Float {
        withTables { tables in
            var state = context.state
            return tables.advance(&state, word: word).log10
        }
    }

    /// Whether decoding may produce `word`: a word the model knows, never `<s>` or `</s>`.
    @inline(__always)
    public func isGeneratable(_ word: Int32) -> Bool {
        word >= 0 && Int(word) < vocabularySize && known[Int(word)]
            && word != SpecialToken.startOfSequence.id && word != SpecialToken.endOfSequence.id
    }
}

/// Forward links for decoding: for every context n-gram, its continuations sorted by
/// probability, and all unigrams sorted likewise. Built once per model (O(n-grams log)),
/// ~12 bytes per n-gram.
///
/// `topK` is exact — equal to scoring every generatable word and sorting (`denseTopK`) — but
/// looks only at the head of each backoff level's sorted list: a word's score at the level of
/// its longest match is its stored probability plus a backoff sum that is the same for the
/// whole level, so the level's best unpenalized words are a prefix of its list; a penalized word
/// ranks at most where its unpenalized self would, so those never reached cannot enter the top k.
public final class NextTokenIndex: Sendable {
    let model: NGramModel
    /// Each entry's log10 p lies beside its word: reading it through the slot would miss the cache.
    private let lists: ContinuationLists
    /// Continuation lists up to this long are searched by scanning rather than hashing.
    static let scanLimit = 48
    /// Generatable unigrams by descending probability, ties by id.
    private let unigramOrder: [Int32]

    public init(model: NGramModel) {
        self.model = model
        // The last word of the n-gram in every slot, order by order (that of its suffix).
        var lastWords: [[Int32]] = [[], Array(0..<Int32(model.vocabularySize))]
        for m in 2...model.order {
            var words = [Int32](repeating: -1, count: model.tableCapacity[m])
            model.forEachEntry(order: m) { slot, entry in
                words[Int(slot)] = lastWords[m - 1][Int(Int32(truncatingIfNeeded: entry.key >> 32))]
            }
            lastWords.append(words)
        }
        // Orders are independent from here: built on all cores, each into its own place.
        let order = model.order, words = lastWords
        nonisolated(unsafe) var built = [Continuations?](repeating: nil, count: order + 1)
        built.withUnsafeMutableBufferPointer { results in
            nonisolated(unsafe) let results = results
            DispatchQueue.concurrentPerform(iterations: order - 1) { index in
                results[index + 2] = Self.continuations(order: index + 2, of: model, lastWords: words[index + 2])
            }
        }
        let orders = built.compactMap { $0 }, none: [[Int32]] = [[], []]
        lists = ContinuationLists(offsets: none + orders.map(\.starts), slots: none + orders.map(\.slots),
                                  words: none + orders.map(\.words), logs: [[], []] + orders.map(\.logs))
        let logs = model.unigramLog10
        unigramOrder = (0..<Int32(model.vocabularySize)).filter(model.isGeneratable).sorted {
            logs[Int($0)] != logs[Int($1)] ? logs[Int($0)] > logs[Int($1)] : $0 < $1
        }
    }

    /// One order's continuation lists.
    private struct Continuations {
        var starts: [Int32], slots: [Int32], words: [Int32], logs: [Float]
    }

    /// Order m's n-grams grouped by context (a counting sort by context slot), each group sorted
    /// by probability, ties by word. O(n-grams log) for the order.
    private static func continuations(order m: Int, of model: NGramModel, lastWords words: [Int32]) -> Continuations {
        let contexts = model.contexts[m]
        let contextCount = m == 2 ? model.vocabularySize : model.tableCapacity[m - 1]
        var starts = [Int32](repeating: 0, count: contextCount + 1)
        for c in contexts where c >= 0 { starts[Int(c) + 1] += 1 }
        for c in 0..<contextCount { starts[c + 1] += starts[c] }
        var fill = starts
        var order = [Int32](repeating: 0, count: Int(starts[contextCount]))
        for (slot, c) in contexts.enumerated() where c >= 0 {
            order[Int(fill[Int(c)])] = Int32(slot)
            fill[Int(c)] += 1
        }
        let table = model.storage.tables[m]
        for c in 0..<contextCount where starts[c + 1] - starts[c] > 1 {
            order[Int(starts[c])..<Int(starts[c + 1])].sort { a, b in
                let (pa, pb) = (table[Int(a)].log10Probability, table[Int(b)].log10Probability)
                return pa != pb ? pa > pb : words[Int(a)] < words[Int(b)]
            }
        }
        return Continuations(starts: starts, slots: order, words: order.map { words[Int($0)] },
                             logs: order.map { table[Int($0)].log10Probability })
    }

    /// The k best next tokens after `context`, each scored log10 p with the repetition penalty
    /// applied to ids in `penalized`; best first, ties to the lower id. Exact.
    /// O(order × (k + words skipped)) expected.
    public func topK(_ k: Int, after context: NGramContext, penalty: Float, penalized: TokenSet) -> [ScoredToken] {
        model.withTables { tables in
            let state = context.state
            let length = state.length
            var best = TopK(k)
            // Levels from the longest context down to unigrams; level m scores n-grams of order m.
            var level = min(length + 1, model.order)
            while level >= 1 {
                var taken = 0
                // The same summation order as `advance`, so scores are bit-identical to scoring.
                @inline(__always) func score(_ logProbability: Float) -> Float {
                    var total = logProbability
                    if level - 1 < length { for k in (level - 1)..<length { total += state.backoffs[k] } }
                    return total
                }
                // Entries come best first and a penalty only lowers a score, so once an entry's
                // own score falls below the k-th best, no later entry of this level can enter.
                @inline(__always) func levelIsDone(_ value: Float) -> Bool {
                    if let kth = best.kth { value < kth.score } else { false }
                }
                @inline(__always) func consider(_ word: Int32, _ value: Float) {
                    if penalized.contains(word) {
                        best.offer(ScoredToken(id: word, score: penalize(value, penalty)))
                    } else {
                        best.offer(ScoredToken(id: word, score: value))
                        taken += 1
                    }
                }
                // A candidate that belongs to a longer match was scored at a higher level: it is
                // a continuation of the longer context. A short continuation list (just walked,
                // so in cache) is scanned; a long one is probed through the table above.
                let checksLonger = level <= length && level < model.order
                let longer = checksLonger ? lists.range(order: level + 1, context: Int(state.slots[level - 1])) : 0..<0
                let scansLonger = longer.count <= Self.scanLimit
                let longerWords = lists.words[checksLonger ? level + 1 : 2]
                @inline(__always) func continuesLonger(_ word: Int32, slot: Int32) -> Bool {
                    guard checksLonger else { return false }
                    if scansLonger {
                        for entry in longer where longerWords.unsafelyUnwrapped[entry] == word { return true }
                        return false
                    }
                    return tables.find(NGramIndex.key(suffix: slot, first: state.history[level - 1]), order: level + 1) >= 0
                }
                if level >= 2 {
                    let slots = lists.slots[level].unsafelyUnwrapped, words = lists.words[level].unsafelyUnwrapped
                    let logs = lists.logs[level].unsafelyUnwrapped
                    for entry in lists.range(order: level, context: Int(state.slots[level - 2])) {
                        let value = score(logs[entry])
                        if taken == k || levelIsDone(value) { break }
                        let word = words[entry]
                        guard model.isGeneratable(word), !continuesLonger(word, slot: slots[entry]) else { continue }
                        consider(word, value)
                    }
                } else {
                    for word in unigramOrder {
                        let value = score(tables.unigramLog10[Int(word)])
                        if taken == k || levelIsDone(value) { break }
                        if continuesLonger(word, slot: word) { continue }
                        consider(word, value)
                    }
                }
                level -= 1
            }
            return best.tokens
        }
    }

    /// A second reference, fast enough for whole beam searches: the full distribution as a
    /// vector — every word at the unigram level with all backoffs, then overwritten level by level
    /// with the context's continuations — penalized and sorted. Per word it adds exactly what
    /// `advance` adds, in the same order. O(V + continuations) per query.
    public func denseTopKFromDistribution(_ k: Int, after context: NGramContext, penalty: Float, penalized: TokenSet) -> [ScoredToken] {
        let state = context.state
        let length = state.length
        func withBackoffs(_ value: Float, level: Int) -> Float {
            var total = value
            if level - 1 < length { for k in (level - 1)..<length { total += state.backoffs[k] } }
            return total
        }
        var scores = model.unigramLog10.map { withBackoffs($0, level: 1) }
        if length >= 1 {
            for level in 2...min(length + 1, model.order) {
                let table = model.storage.tables[level]
                for entry in lists.range(order: level, context: Int(state.slots[level - 2])) {
                    let (word, slot) = (lists.words[level].unsafelyUnwrapped[entry], lists.slots[level].unsafelyUnwrapped[entry])
                    scores[Int(word)] = withBackoffs(table[Int(slot)].log10Probability, level: level)
                }
            }
        }
        var best = TopK(k)
        for word in 0..<Int32(model.vocabularySize) where model.isGeneratable(word) {
            let value = scores[Int(word)]
            best.offer(ScoredToken(id: word, score: penalized.contains(word) ? penalize(value, penalty) : value))
        }
        return best.tokens
    }

    /// The reference: every generatable word scored by `advance`, penalized, sorted. O(V).
    public func denseTopK(_ k: Int, after context: NGramContext, penalty: Float, penalized: TokenSet) -> [ScoredToken] {
        var all: [ScoredToken] = []
        for word in 0..<Int32(model.vocabularySize) where model.isGeneratable(word) {
            let value = model.log10Probability(of: word, after: context)
            all.append(ScoredToken(id: word, score: penalized.contains(word) ? penalize(value, penalty) : value))
        }
        all.sort(by: ScoredToken.ranksBefore)
        return Array(all.prefix(k))
    }
}
