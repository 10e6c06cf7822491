import Foundation
import LanguageModeling
import Tokenization

extension GPT2LanguageModel {
    /// Each sequence's score under the block convention (SPEC §3): `<s>` is context only and
    /// every token is predicted. Sentence mode is the same computation (a transformer has no
    /// `</s>` to predict); the pipeline asks only for blocks.
    /// - Complexity: one forward pass per `scoringBatch` sequences.
    public func score(_ sequences: TrainingSequences, mode: SequenceMode) -> [SequenceScore] {
        let totals = transformer().sequenceLogProbabilities(sequences, batchSize: Self.scoringBatch)
        return totals.enumerated().map { index, total in
            var score = SequenceScore()
            score.log10Probability = total / M_LN10
            score.tokens = sequences[index].count
            return score
        }
    }

    /// Pooled perplexity of blocks under the block convention, and "in-block": each token from
    /// the second on, predicted from the earlier tokens of its block, the way language-model
    /// training code usually evaluates fixed-length chunks (the first token, predicted from
    /// `<s>` alone, is left out).
    public func perplexities(of blocks: TrainingSequences) -> (block: Double, inBlock: Double) {
        let model = transformer()
        let block = exp(model.meanLoss(blocks, batchSize: Self.scoringBatch))
        var total = 0.0, tokens = 0
        var start = 0
        while start < blocks.count {
            let range = start..<min(blocks.count, start + Self.scoringBatch)
            let rows = range.map { blocks[$0] } + Array(repeating: ArraySlice<Int32>(), count: Self.scoringBatch - range.count)
            let batch = SequenceBatch(inBlock: rows, length: rows.map(\.count).max() ?? 1)
            model.forward(batch, keepGradient: false)
            total += model.positionLosses.reduce(0) { $0 + Double($1) }
            tokens += batch.targets.count { $0 >= 0 }
            start = range.upperBound
        }
        return (block, exp(total / Double(max(tokens, 1))))
    }
}

extension SequenceBatch {
    /// The block batch with the first target of each row dropped: row b reads `<s> s₁ … sₙ₋₁`
    /// and predicts `s₂ … sₙ`, each from the earlier tokens of its block (`<s>` adds nothing).
    init(inBlock sequences: [ArraySlice<Int32>], length: Int) {
        self.init(sequences, length: length)
        for row in 0..<sequences.count { targets[row * length] = -1 }
    }
}
