import Foundation
import LanguageModeling
import Tokenization

extension GPT2LanguageModel {
    /// Each sequence's score under the block convention: `<s>` is context only and
    /// every token is predicted. Sentence mode is the same computation (a transformer has no
    /// `</s>` to predict); the pipeline asks only for blocks.
    /// - Throws: for sequences longer than the context, or scores that are not finite.
    /// - Complexity: one forward pass per `scoringBatch` sequences.
    public func score(_ sequences: TrainingSequences, mode: SequenceMode) throws -> [SequenceScore] {
        try checkFits(sequences)
        let totals = transformer().sequenceLogProbabilities(sequences, batchSize: Self.scoringBatch)
        guard totals.allSatisfy(\.isFinite) else { throw nonFiniteScores() }
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
    /// `<s>` alone, is left out). Both come from one pass: `<s>` adds nothing to the later
    /// tokens' context, so their losses are the same in either reading.
    /// - Throws: for blocks longer than the context, or scores that are not finite.
    /// - Complexity: one forward pass per `scoringBatch` blocks.
    public func perplexities(of blocks: TrainingSequences) throws -> (block: Double, inBlock: Double) {
        try checkFits(blocks)
        let model = transformer()
        var total = 0.0, first = 0.0, tokens = 0, rows = 0
        var start = 0
        while start < blocks.count {
            let range = start..<min(blocks.count, start + Self.scoringBatch)
            let sequences = range.map { blocks[$0] } + Array(repeating: ArraySlice<Int32>(), count: Self.scoringBatch - range.count)
            let batch = SequenceBatch(sequences, length: max(1, sequences.map(\.count).max() ?? 1))
            model.forward(batch, keepGradient: false)
            let losses = model.positionLosses
            for (row, sequence) in sequences.enumerated() where !sequence.isEmpty {
                for t in 0..<sequence.count { total += Double(losses[row * batch.length + t]) }
                first += Double(losses[row * batch.length])
                tokens += sequence.count
                rows += 1
            }
            start = range.upperBound
        }
        guard total.isFinite else { throw nonFiniteScores() }
        return (exp(total / Double(max(tokens, 1))), exp((total - first) / Double(max(tokens - rows, 1))))
    }
}
