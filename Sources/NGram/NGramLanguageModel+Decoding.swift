import Foundation
import LanguageModeling
import Synchronization
import Tokenization

/// The natural log of 10: n-gram tables are log10, the `LanguageModel` interface is natural log.
let naturalLogOf10 = Float(2.302585092994046)

extension NGramLanguageModel: LanguageModel {
    public func makeDecoder(prompts: [[Int32]], settings: DecodingSettings) -> any StepDecoder {
        NGramDecoder(model: self, prompts: prompts, settings: settings, reference: false)
    }

    public func makeReferenceDecoder(prompts: [[Int32]], settings: DecodingSettings) -> any StepDecoder {
        NGramDecoder(model: self, prompts: prompts, settings: settings, reference: true)
    }

    /// Ids the model never saw share the unknown word's probability, the last entry.
    public func nextTokenDistribution(after prefix: [Int32]) -> [Double] {
        let context = model.context(after: prefix)
        var distribution = (0..<Int32(vocabulary.count)).map { word -> Double in
            guard model.known[Int(word)], word != SpecialToken.startOfSequence.id else { return 0 }
            return pow(10, Double(model.log10Probability(of: word, after: context)))
        }
        distribution.append(pow(10, Double(model.log10Probability(of: unknownWordID, after: context))))
        return distribution
    }

    public func score(_ sequences: TrainingSequences, mode: SequenceMode) -> [SequenceScore] {
        model.scoreAll(sequences, mode: mode)
    }

    public var scoresSentences: Bool { true }

    public var contextLimit: Int? { nil }

    public var decoderUsesAllCores: Bool { false }

    /// Built once per model, on first use, shared by copies of the model.
    var nextTokenIndex: NextTokenIndex {
        decodingCache.index(for: model)
    }
}

/// Decoding rows as n-gram histories: a fork copies the history, and each row's top-k comes
/// from the exact next-token index (or, as the reference, from the whole distribution).
struct NGramDecoder: StepDecoder {
    let model: NGramLanguageModel
    let settings: DecodingSettings
    let index: NextTokenIndex
    let reference: Bool
    private var contexts: [NGramContext]

    init(model: NGramLanguageModel, prompts: [[Int32]], settings: DecodingSettings, reference: Bool) {
        self.model = model
        self.settings = settings
        self.reference = reference
        index = model.nextTokenIndex
        contexts = prompts.map { model.model.context(after: $0) }
    }

    var rowCount: Int { contexts.count }

    /// Scores are log10 until the penalty is applied and converted to natural log after it,
    /// in the same arithmetic on both paths.
    func topCandidates(penalized: [TokenSet]) -> [[ScoredToken]] {
        let (index, reference, k, penalty) = (index, reference, settings.width, settings.repetitionPenalty)
        return zip(contexts, penalized).map { context, set in
            let best = reference ? index.denseTopKFromDistribution(k, after: context, penalty: penalty, penalized: set)
                : index.topK(k, after: context, penalty: penalty, penalized: set)
            return best.map { ScoredToken(id: $0.id, score: $0.score * naturalLogOf10) }
        }
    }

    /// One pass through the tables for all rows (not a copy of the model per row: its shared
    /// buffers' reference counts are what threads would fight over).
    mutating func advance(parents: [Int], tokens: [Int32]) {
        contexts = model.model.extending(contexts, parents: parents, with: tokens)
    }
}

/// Holds a model's next-token index once built (building costs about a second on WikiText-2).
final class DecodingCache: Sendable {
    private let index = Mutex<NextTokenIndex?>(nil)

    func index(for model: NGramModel) -> NextTokenIndex {
        index.withLock { cached in
            if let cached { return cached }
            let built = NextTokenIndex(model: model)
            cached = built
            return built
        }
    }
}
