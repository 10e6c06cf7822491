import Foundation
import LanguageModeling
import NeuralNetworks
import Tokenization

extension GPT2LanguageModel: LanguageModel {
    public func makeDecoder(prompts: [[Int32]], settings: DecodingSettings) -> any StepDecoder {
        GPT2Decoder(model: self, prompts: prompts, settings: settings)
    }

    public func makeReferenceDecoder(prompts: [[Int32]], settings: DecodingSettings) -> any StepDecoder {
        GPT2ReferenceDecoder(model: self, prompts: prompts, settings: settings)
    }

    /// softmax of the logits after `<s>` and `prefix` (its last context − 1 tokens).
    public func nextTokenDistribution(after prefix: [Int32]) -> [Double] {
        let ids = [SpecialToken.startOfSequence.id] + prefix.suffix(configuration.context - 1)
        let targets = [Int32](repeating: -1, count: ids.count)
        let model = transformer()
        _ = ids.withUnsafeBufferPointer { i in
            targets.withUnsafeBufferPointer { t in
                model.forward(ids: i, targets: t, batch: 1, length: ids.count, keepGradient: false, keepLogits: true)
            }
        }
        let row = Array(model.logits[((ids.count - 1) * configuration.vocabularySize)...])
        let largest = Double(row.max() ?? 0)
        let exponentials = row.map { exp(Double($0) - largest) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    /// Sequences are scored `scoringBatch` at a time from the first.
    public var scoringAlignment: Int { Self.scoringBatch }

    /// A transformer has no `</s>` to predict: sentence perplexity is an n-gram figure.
    public var scoresSentences: Bool { false }

    /// `<s>` takes the first position, and the last new token is chosen but never fed.
    public var contextLimit: Int? { configuration.context }

    /// Its products run on every BLAS thread and its per-row work on every core.
    public var decoderUsesAllCores: Bool { true }
}
