import Foundation
import LanguageModeling
import NeuralNetworks
import Tokenization

/// Lockstep decoding rows over a key/value cache: the prompts are fed once (`<s>` first), each
/// step feeds every row its one new token in a single batch of products, and rows are forked
/// and dropped by reordering the cache (as Hugging Face's `reorder_cache`).
struct GPT2Decoder: StepDecoder {
    let model: GPT2LanguageModel
    let forward: IncrementalForward
    let cache: KeyValueCache
    /// Ids never proposed.
    let banned: TokenSet
    /// The logits after each row's last token [rows × V].
    private var logits: TensorBuffer<Float>

    /// - Parameters:
    ///   - startToken: feed `<s>` before each prompt (the tool's convention); tests comparing
    ///     with Hugging Face feed the prompt alone.
    ///   - banned: ids never proposed; `<s>` and `</s>` by default (SPEC §4).
    init(model: GPT2LanguageModel, prompts: [[Int32]], startToken: Bool = true, banned: TokenSet? = nil) {
        self.model = model
        self.banned = banned ?? model.boundaries
        let configuration = model.configuration
        forward = IncrementalForward(configuration: configuration, layout: GPT2Layout(configuration), parameters: model.parameters)
        let promptTokens = prompts.reduce(0) { $0 + $1.count + 1 }
        cache = KeyValueCache(layers: configuration.layers, width: configuration.width, rows: prompts.count,
                              expectedSlots: promptTokens + 5 * prompts.count * 64)
        var tokens: [Int32] = [], rows: [Int] = []
        for (row, prompt) in prompts.enumerated() {
            let fed = (startToken ? [SpecialToken.startOfSequence.id] : []) + prompt
            precondition(fed.count < configuration.context, "a prompt of \(prompt.count) tokens leaves no room in the context")
            tokens += fed
            rows += Array(repeating: row, count: fed.count)
        }
        logits = forward.feed(tokens: tokens, rows: rows, cache: cache, outputRows: Array(prompts.indices))
    }

    var rowCount: Int { cache.rows }

    func topCandidates(_ k: Int, penalty: Float, penalized: [TokenSet]) -> [[ScoredToken]] {
        model.topCandidates(k, logits: logits.pointer, rows: rowCount, penalty: penalty, penalized: penalized, banned: banned)
    }

    mutating func advance(parents: [Int], tokens: [Int32]) {
        cache.reorder(parents: parents)
        guard !parents.isEmpty else { return }
        // The family refuses settings whose prompt and continuation overflow the context.
        precondition((0..<cache.rows).allSatisfy { cache.length(of: $0) < model.configuration.context }, "decoding past the context")
        logits = forward.feed(tokens: tokens, rows: Array(0..<tokens.count), cache: cache, outputRows: Array(0..<tokens.count))
    }
}

/// The plain reference for `GPT2Decoder`: every row keeps its whole sequence, and each query
/// runs the full training forward over it again (no cache), then scores and sorts the whole
/// vocabulary.
struct GPT2ReferenceDecoder: StepDecoder {
    let model: GPT2LanguageModel
    let banned: TokenSet
    private var sequences: [[Int32]]

    init(model: GPT2LanguageModel, prompts: [[Int32]], startToken: Bool = true, banned: TokenSet? = nil) {
        self.model = model
        self.banned = banned ?? model.boundaries
        sequences = prompts.map { (startToken ? [SpecialToken.startOfSequence.id] : []) + $0 }
    }

    var rowCount: Int { sequences.count }

    func topCandidates(_ k: Int, penalty: Float, penalized: [TokenSet]) -> [[ScoredToken]] {
        let transformer = model.transformer()
        let vocabulary = model.configuration.vocabularySize
        var result: [[ScoredToken]] = []
        for (row, sequence) in sequences.enumerated() {
            let targets = [Int32](repeating: -1, count: sequence.count)
            _ = sequence.withUnsafeBufferPointer { ids in
                targets.withUnsafeBufferPointer { t in
                    transformer.forward(ids: ids, targets: t, batch: 1, length: sequence.count, keepGradient: false, keepLogits: true)
                }
            }
            let last = transformer.logits.baseAddress! + (sequence.count - 1) * vocabulary
            var all = model.penalizedLogProbabilities(last, penalty: penalty, penalized: penalized[row], banned: banned)
            all.sort(by: ScoredToken.ranksBefore)
            result.append(Array(all.prefix(k)))
        }
        return result
    }

    mutating func advance(parents: [Int], tokens: [Int32]) {
        let previous = sequences
        sequences = zip(parents, tokens).map { previous[$0] + [$1] }
    }
}

extension GPT2LanguageModel {
    /// Every generatable id's log-probability (log-softmax of the logits, in single precision
    /// as Hugging Face computes it), with the repetition penalty on the ids in `penalized`.
    func penalizedLogProbabilities(_ logits: UnsafePointer<Float>, penalty: Float, penalized: TokenSet, banned: TokenSet) -> [ScoredToken] {
        let count = configuration.vocabularySize
        let largest = Float.maximum(logits, count: count)
        let logSum = log(Float.sumOfExponentials(logits, count: count, shift: largest)) + largest
        var all: [ScoredToken] = []
        all.reserveCapacity(count)
        for id in 0..<Int32(count) where !banned.contains(id) {
            let value = logits[Int(id)] - logSum
            all.append(ScoredToken(id: id, score: penalized.contains(id) ? penalize(value, penalty) : value))
        }
        return all
    }

    /// The k best candidates of each row of logits, scored as `penalizedLogProbabilities` scores
    /// them, in the reference's order. One vectorized pass per row skips the ids whose logit is
    /// below the running k-th best (the penalty only lowers scores, so that bound is safe); the
    /// few above it are scored exactly and kept in a sorted list.
    /// - Complexity: O(rows × vocabulary) vector comparisons, plus O(k) per id that passes.
    func topCandidates(_ k: Int, logits: UnsafePointer<Float>, rows: Int, penalty: Float, penalized: [TokenSet],
                       banned: TokenSet) -> [[ScoredToken]] {
        let count = configuration.vocabularySize
        var result = [[ScoredToken]](repeating: [], count: rows)
        result.withUnsafeMutableBufferPointer { output in
            Parallel.forEach(rows, grain: 4) { range in
                for row in range {
                    output[row] = Self.best(k, of: logits + row * count, count: count, penalty: penalty, penalized: penalized[row], banned: banned)
                }
            }
        }
        return result
    }

    static func best(_ k: Int, of values: UnsafePointer<Float>, count: Int, penalty: Float, penalized: TokenSet,
                     banned: TokenSet) -> [ScoredToken] {
        let largest = Float.maximum(values, count: count)
        let logSum = log(Float.sumOfExponentials(values, count: count, shift: largest)) + largest
        var best: [ScoredToken] = []
        best.reserveCapacity(k + 1)
        // A logit below this cannot make the list (a margin covers the rounding of l − logSum).
        var bound = -Float.infinity
        func consider(_ id: Int32) {
            guard !banned.contains(id) else { return }
            var value = values[Int(id)] - logSum
            if penalized.contains(id) { value = penalize(value, penalty) }
            let candidate = ScoredToken(id: id, score: value)
            if best.count == k, let worst = best.last, !ScoredToken.ranksBefore(candidate, worst) { return }
            var position = best.count
            while position > 0 && ScoredToken.ranksBefore(candidate, best[position - 1]) { position -= 1 }
            best.insert(candidate, at: position)
            if best.count > k { best.removeLast() }
            if best.count == k, let worst = best.last { bound = worst.score + logSum - max(1e-3, abs(worst.score + logSum) * 1e-5) }
        }
        var index = 0
        let raw = UnsafeRawPointer(values)
        while index + 16 <= count {
            let chunk = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            if any(chunk .>= bound) {
                for lane in 0..<16 where chunk[lane] >= bound { consider(Int32(index + lane)) }
            }
            index += 16
        }
        while index < count {
            if values[index] >= bound { consider(Int32(index)) }
            index += 1
        }
        return best
    }

    /// Decoding never produces `<s>` or `</s>` (SPEC §4).
    var boundaries: TokenSet {
        TokenSet([SpecialToken.startOfSequence.id, SpecialToken.endOfSequence.id], capacity: configuration.vocabularySize)
    }
}
