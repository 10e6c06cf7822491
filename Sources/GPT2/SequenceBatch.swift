import LanguageModeling
import Tokenization

/// Sequences as one batch of the transformer's input: row b reads `<s> s₁ … sₙ₋₁` and predicts
/// `s₁ … sₙ` (`<s>` is context only, every token is predicted). Shorter sequences are
/// padded at the end with positions that predict nothing (target −1), which, attention being
/// causal, leaves every real position's result unchanged.
struct SequenceBatch {
    var ids: [Int32]
    var targets: [Int32]
    let rows: Int
    let length: Int

    init<S: Sequence>(_ sequences: S, length: Int) where S.Element == ArraySlice<Int32> {
        var ids: [Int32] = [], targets: [Int32] = []
        var rows = 0
        for sequence in sequences {
            precondition(sequence.count <= length, "a sequence of \(sequence.count) tokens in a batch of length \(length)")
            let input = [SpecialToken.startOfSequence.id] + sequence.dropLast()
            ids.append(contentsOf: input.prefix(length))
            ids.append(contentsOf: repeatElement(SpecialToken.endOfSequence.id, count: length - min(input.count, length)))
            targets.append(contentsOf: sequence)
            targets.append(contentsOf: repeatElement(-1, count: length - sequence.count))
            rows += 1
        }
        self.ids = ids
        self.targets = targets
        self.rows = rows
        self.length = length
    }
}

extension Transformer where T == Float {
    /// Runs one batch forward; the caller reads the losses or runs the backward pass.
    @discardableResult
    func forward(_ batch: SequenceBatch, keepGradient: Bool) -> Float {
        batch.ids.withUnsafeBufferPointer { ids in
            batch.targets.withUnsafeBufferPointer { targets in
                forward(ids: ids, targets: targets, batch: batch.rows, length: batch.length, keepGradient: keepGradient)
            }
        }
    }

    /// Each sequence's Σ log p (natural log) of its tokens, scored in batches of `batchSize`.
    /// - Complexity: one forward pass per batch.
    func sequenceLogProbabilities(_ sequences: TrainingSequences, batchSize: Int) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            let range = start..<min(sequences.count, start + batchSize)
            let length = range.map { sequences[$0].count }.max() ?? 1
            // The last batch is filled with empty rows: the same shape reuses every buffer.
            let rows = range.map { sequences[$0] } + Array(repeating: ArraySlice<Int32>(), count: batchSize - range.count)
            let batch = SequenceBatch(rows, length: max(1, length))
            forward(batch, keepGradient: false)
            let losses = positionLosses
            for row in 0..<range.count {
                var total = 0.0
                for t in 0..<batch.length { total -= Double(losses[row * batch.length + t]) }
                result.append(total)
            }
            start = range.upperBound
        }
        return result
    }
}
