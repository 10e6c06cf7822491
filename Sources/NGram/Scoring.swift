import Foundation
import Tokenization

/// The running context of a scan through a sequence: for each length k = 1…order−1 of the
/// history, the index of the n-gram formed by the last k words, if the model has it, and its
/// backoff weight. This is KenLM's "state".
struct ScoringState {
    var length = 0
    var indices: [Int32]
    var backoffs: [Float]
    /// The last order−1 words, most recent first.
    var history: [Int32]

    init(order: Int) {
        indices = [Int32](repeating: 0, count: order)
        backoffs = [Float](repeating: 0, count: order)
        history = [Int32](repeating: 0, count: order)
    }
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
        tokens == 0 ? .nan : pow10(-log10Probability / Double(tokens))
    }

    public static func += (lhs: inout SequenceScore, rhs: SequenceScore) {
        lhs.log10Probability += rhs.log10Probability
        lhs.tokens += rhs.tokens
        lhs.unknownTokens += rhs.unknownTokens
    }
}

func pow10(_ x: Double) -> Double {
    pow(10, x)
}

extension NGramModel {
    /// A state after `<s>`.
    func startState() -> ScoringState {
        var state = ScoringState(order: order)
        let start = SpecialToken.startOfSequence.id
        state.length = 1
        state.indices[0] = start
        state.backoffs[0] = log10Backoffs.count > 1 ? log10Backoffs[1][Int(start)] : 0
        state.history[0] = start
        return state
    }

    /// log10 p(word | state) and the state after it, following ARPA backoff: the longest n-gram
    /// ending in `word` that the model has, plus the backoffs of the longer contexts. O(order).
    @inline(__always)
    func advance(_ state: inout ScoringState, word: Int32) -> (log10: Float, known: Bool) {
        guard word >= 0 && Int(word) < vocabularySize && known[Int(word)] else {
            var log10 = unknownLog10
            for k in 0..<state.length { log10 += state.backoffs[k] }
            // Nothing extends an unknown word: the next token starts from its unigram.
            state.length = 0
            return (log10, false)
        }
        var matched = 1
        var index = word
        var newIndices = (index, Int32(0), Int32(0), Int32(0), Int32(0), Int32(0))
        withUnsafeMutableBytes(of: &newIndices) { raw in
            let found = raw.bindMemory(to: Int32.self)
            while matched < order && matched <= state.length {
                let key = NGramIndex.key(suffix: index, first: state.history[matched - 1])
                let next = indices[matched + 1].find(key)
                if next < 0 { break }
                index = next
                found[matched] = next
                matched += 1
            }
            for k in 0..<min(matched, order - 1) { state.indices[k] = found[k] }
        }
        var log10 = log10Probabilities[matched][Int(index)]
        // Backoffs of the contexts longer than the one the match used.
        if matched - 1 < state.length {
            for k in (matched - 1)..<state.length { log10 += state.backoffs[k] }
        }
        let newLength = min(matched, order - 1)
        for k in 0..<newLength { state.backoffs[k] = log10Backoffs[k + 1][Int(state.indices[k])] }
        // Shift the history: the word becomes the most recent.
        var k = order - 2
        while k > 0 { state.history[k] = state.history[k - 1]; k -= 1 }
        state.history[0] = word
        state.length = newLength
        return (log10, true)
    }

    /// Scores one sequence: `<s>` as context, then every word, then `</s>` in sentence mode.
    /// - Parameter each: receives each predicted token's log10 p, in order.
    public func score<C: Collection>(_ words: C, mode: SequenceMode, each: ((Float) -> Void)? = nil) -> SequenceScore
    where C.Element == Int32 {
        var state = startState()
        var result = SequenceScore()
        func add(_ word: Int32) {
            let (log10, known) = advance(&state, word: word)
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
