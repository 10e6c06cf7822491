import Foundation
import LanguageModeling
import NeuralNetworks
import Tokenization

/// Lockstep decoding rows over a key/value cache: the prompts are fed once (`<s>` first), each
/// step feeds every row its one new token in a single batch of products, and rows are forked
/// and dropped by reordering the cache (as Hugging Face's `reorder_cache`).
struct GPT2Decoder: StepDecoder {
    let model: GPT2LanguageModel
    let settings: DecodingSettings
    let forward: IncrementalForward
    let head: DecodingHead
    let cache: KeyValueCache
    /// Ids never proposed.
    let banned: TokenSet
    /// The final LayerNorm's output after each row's last token [rows × width].
    private var hidden: TensorBuffer<Float>

    /// - Parameters:
    ///   - startToken: feed `<s>` before each prompt (the tool's convention); tests comparing
    ///     with Hugging Face feed the prompt alone.
    ///   - banned: ids never proposed; `<s>` and `</s>` by default.
    init(model: GPT2LanguageModel, prompts: [[Int32]], settings: DecodingSettings, startToken: Bool = true, banned: TokenSet? = nil) {
        self.model = model
        self.settings = settings
        self.banned = banned ?? model.boundaries
        let configuration = model.configuration
        let layout = GPT2Layout(configuration)
        forward = IncrementalForward(configuration: configuration, layout: layout, parameters: model.parameters)
        head = DecodingHead(embedding: model.parameters.pointer + layout.tokenEmbedding, classes: configuration.vocabularySize,
                            channels: configuration.width)
        let promptTokens = prompts.reduce(0) { $0 + $1.count + 1 }
        // Each prompt's beams each add one slot per step.
        cache = KeyValueCache(layers: configuration.layers, width: configuration.width, rows: prompts.count,
                              expectedSlots: promptTokens + settings.width * prompts.count * settings.newTokens)
        var tokens: [Int32] = [], rows: [Int] = []
        for (row, prompt) in prompts.enumerated() {
            let fed = (startToken ? [SpecialToken.startOfSequence.id] : []) + prompt
            precondition(fed.count < configuration.context, "a prompt of \(prompt.count) tokens leaves no room in the context")
            tokens += fed
            rows += Array(repeating: row, count: fed.count)
        }
        hidden = forward.feed(tokens: tokens, rows: rows, cache: cache, outputRows: Array(prompts.indices))
    }

    var rowCount: Int { cache.rows }

    func topCandidates(penalized: [TokenSet]) throws -> [[ScoredToken]] {
        guard let candidates = head.topCandidates(settings.width, hidden: hidden.pointer, rows: rowCount, penalty: settings.repetitionPenalty,
                                                  penalized: penalized, banned: banned) else { throw model.nonFiniteScores() }
        return candidates
    }

    mutating func advance(parents: [Int], tokens: [Int32]) {
        cache.reorder(parents: parents)
        guard !parents.isEmpty else { return }
        // The family refuses settings whose prompt and continuation overflow the context.
        precondition((0..<cache.rows).allSatisfy { cache.length(of: $0) < model.configuration.context }, "decoding past the context")
        hidden = forward.feed(tokens: tokens, rows: Array(0..<tokens.count), cache: cache, outputRows: Array(0..<tokens.count))
    }
}

/// The plain reference for `GPT2Decoder`: every row keeps its whole sequence, and each query
/// runs the full training forward over it again (no cache), then scores and sorts the whole
/// vocabulary.
struct GPT2ReferenceDecoder: StepDecoder {
    let model: GPT2LanguageModel
    let settings: DecodingSettings
    let banned: TokenSet
    private var sequences: [[Int32]]

    init(model: GPT2LanguageModel, prompts: [[Int32]], settings: DecodingSettings, startToken: Bool = true, banned: TokenSet? = nil) {
        self.model = model
        self.settings = settings
        self.banned = banned ?? model.boundaries
        sequences = prompts.map { (startToken ? [SpecialToken.startOfSequence.id] : []) + $0 }
    }

    var rowCount: Int { sequences.count }

    func topCandidates(penalized: [TokenSet]) throws -> [[ScoredToken]] {
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
            guard var all = model.penalizedLogProbabilities(last, penalty: settings.repetitionPenalty, penalized: penalized[row],
                                                            banned: banned) else { throw model.nonFiniteScores() }
            all.sort(by: ScoredToken.ranksBefore)
            result.append(Array(all.prefix(settings.width)))
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
    /// as Hugging Face computes it), with the repetition penalty on the ids in `penalized`;
    /// nil when the logits are not finite.
    func penalizedLogProbabilities(_ logits: UnsafePointer<Float>, penalty: Float, penalized: TokenSet, banned: TokenSet) -> [ScoredToken]? {
        let count = configuration.vocabularySize
        let largest = Float.maximum(logits, count: count)
        let logSum = log(Float.sumOfExponentials(logits, count: count, shift: largest)) + largest
        guard logSum.isFinite else { return nil }
        var all: [ScoredToken] = []
        all.reserveCapacity(count)
        for id in 0..<Int32(count) where !banned.contains(id) {
            let value = logits[Int(id)] - logSum
            all.append(ScoredToken(id: id, score: penalized.contains(id) ? penalize(value, penalty) : value))
        }
        return all
    }

    /// Decoding never produces `<s>` or `</s>`.
    var boundaries: TokenSet {
        TokenSet([SpecialToken.startOfSequence.id, SpecialToken.endOfSequence.id], capacity: configuration.vocabularySize)
    }
}
