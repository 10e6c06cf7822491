import Foundation
import Tokenization

/// The running context of a scan through a sequence — KenLM's "state": for each length
/// k = 1…order−1 of the history, the slot of the n-gram formed by the last k words (if the model
/// has it) and its backoff, plus the last words themselves. Fixed size, no heap.
struct ScoringState: Sendable {
    var length = 0
    var slots = InlineArray<6, Int32>(repeating: 0)
    var backoffs = InlineArray<6, Float>(repeating: 0)
    /// The last order−1 words, most recent first.
    var history = InlineArray<6, Int32>(repeating: 0)
}

/// The result of scoring one or more sequences.
public struct SequenceScore: Sendable, Equatable {
    /// Σ log10 p over the predicted tokens.
    public var log10Probability: Double = 0
    /// Predicted tokens (including `</s>` in sentence mode, and unknown words).
    public var tokens = 0
    /// Predicted tokens the model has never seen.
    public var unknownTokens = 0

    public init() {}

    /// 10^(−Σ log10 p / tokens).
    public var perplexity: Double {
        tokens == 0 ? .nan : pow(10, -log10Probability / Double(tokens))
    }

    public static func += (lhs: inout SequenceScore, rhs: SequenceScore) {
        lhs.log10Probability += rhs.log10Probability
        lhs.tokens += rhs.tokens
        lhs.unknownTokens += rhs.unknownTokens
    }
}

extension TableView {
    /// A state after `<s>`.
    func startState() -> ScoringState {
        var state = ScoringState()
        let start = SpecialToken.startOfSequence.id
        state.length = 1
        state.slots[0] = start
        state.backoffs[0] = unigramBackoffs[Int(start)]
        state.history[0] = start
        return state
    }

    /// log10 p(word | state) and the state after it, following ARPA backoff: the longest n-gram
    /// ending in `word` that the model has, plus the backoffs of the longer contexts. O(order).
    @inline(__always)
    func advance(_ state: inout ScoringState, word: Int32) -> (log10: Float, known: Bool) {
        guard isKnown(word) else {
            var log10 = unknownLog10
            for k in 0..<state.length { log10 += state.backoffs[k] }
            // Nothing extends an unknown word: the next token starts from its unigram.
            state.length = 0
            return (log10, false)
        }
        var found = InlineArray<6, Int32>(repeating: 0)
        found[0] = word
        var matched = 1
        var slot = word
        var probability = unigramLog10[Int(word)]
        var newBackoffs = InlineArray<6, Float>(repeating: 0)
        newBackoffs[0] = unigramBackoffs[Int(word)]
        while matched < order && matched <= state.length {
            let next = find(NGramIndex.key(suffix: slot, first: state.history[matched - 1]), order: matched + 1)
            if next < 0 { break }
            slot = next
            let entry = self.entry(next, order: matched + 1)
            probability = entry.log10Probability
            if matched < 6 { found[matched] = next; newBackoffs[matched] = entry.log10Backoff }
            matched += 1
        }
        var log10 = probability
        // Backoffs of the contexts longer than the one the match used.
        if matched - 1 < state.length {
            for k in (matched - 1)..<state.length { log10 += state.backoffs[k] }
        }
        let newLength = min(matched, order - 1)
        for k in 0..<newLength {
            state.slots[k] = found[k]
            state.backoffs[k] = newBackoffs[k]
        }
        // Shift the history: the word becomes the most recent.
        var k = order - 2
        while k > 0 { state.history[k] = state.history[k - 1]; k -= 1 }
        state.history[0] = word
        state.length = newLength
        return (log10, true)
    }
}

extension NGramModel {
    /// Scores one sequence: `<s>` as context, then every word, then `</s>` in sentence mode.
    /// - Parameter each: receives each predicted token's log10 p, in order.
    public func score<C: Collection>(_ words: C, mode: SequenceMode, each: ((Float) -> Void)? = nil) -> SequenceScore
    where C.Element == Int32 {
        withTables { tables in
            var state = tables.startState()
            var result = SequenceScore()
            @inline(__always) func add(_ word: Int32) {
                let (log10, known) = tables.advance(&state, word: word)
                result.log10Probability += Double(log10)
                result.tokens += 1
                if !known { result.unknownTokens += 1 }
                each?(log10)
            }
            for word in words { add(word) }
            if mode == .sentence { add(SpecialToken.endOfSequence.id) }
            return result
        }
    }
}
