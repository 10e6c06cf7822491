import Foundation
import LanguageModeling
import NeuralNetworks
import Reporting
import Storage
import Tokenization

/// Training a model from scratch or from given weights, as one call.
public enum GPT2Training {
    public struct Result {
        public var model: GPT2LanguageModel
        public var history: [TrainingRecord]
        public var seconds: Double
    }

    /// - Parameters:
    ///   - initial: weights to start from (fine-tuning); GPT-2's initialization from `seed` when nil.
    ///   - keepBestEpoch: return the weights at the end of the epoch with the lowest validation
    ///     loss (as the paper's code keeps), rather than the last.
    ///   - checkpointDirectory: save each epoch's end there and resume from it.
    public static func train(configuration: GPT2Configuration, vocabulary: Vocabulary, blocks: TrainingSequences,
                             validation: TrainingSequences, settings: TrainingSettings, seed: UInt64,
                             initial: TensorBuffer<Float>? = nil, keepBestEpoch: Bool = false, checkpointDirectory: String? = nil,
                             note: (String) -> Void = { _ in }) throws -> Result {
        try configuration.validate()
        let layout = GPT2Layout(configuration)
        let parameters = initial?.copy() ?? layout.initialized(seed: seed)
        let trainer = Trainer(model: Transformer(layout: layout, parameters: parameters), blocks: blocks, validation: validation,
                              settings: settings, seed: seed, checkpointDirectory: checkpointDirectory)
        let start = monotonicSeconds()
        try trainer.train(note: note)
        let kept = keepBestEpoch ? trainer.bestEpochParameters ?? parameters : parameters
        return Result(model: try GPT2LanguageModel(configuration: configuration, vocabulary: vocabulary, parameters: kept),
                      history: trainer.history, seconds: monotonicSeconds() - start)
    }

    /// Bytes training takes at its peak: weights, gradients and both moments; the activations
    /// with the whole [rows × vocabulary] block of the output head; its per-worker blocks.
    public static func estimatedBytes(configuration: GPT2Configuration, batchSize: Int, length: Int) -> Int {
        let rows = batchSize * length
        let activations = rows * configuration.vocabularySize + configuration.layers * rows * configuration.width * 24
        return 4 * (4 * configuration.parameterCount + activations + 4 * rows * ClassifierHead.columns)
    }

    /// Seconds per optimizer step, the best of `repeats` rounds of `steps` steps after 3 warm-up
    /// steps, on freshly initialized weights (for benchmarks).
    public static func measureSpeed(configuration: GPT2Configuration, blocks: TrainingSequences, settings: TrainingSettings,
                                    steps: Int, repeats: Int) throws -> Double {
        let layout = GPT2Layout(configuration)
        let trainer = Trainer(model: Transformer(layout: layout, parameters: layout.initialized(seed: 1)), blocks: blocks,
                              validation: TrainingSequences(), settings: settings, seed: 1)
        guard trainer.stepsPerEpoch > 0 else { throw CollapseError("\(blocks.count) blocks make no whole batch of \(settings.batchSize)") }
        let order = trainer.shuffled(epoch: 0)
        func batch(_ index: Int) -> SequenceBatch {
            let start = (index % trainer.stepsPerEpoch) * settings.batchSize
            return SequenceBatch(order[start..<(start + settings.batchSize)].map { blocks[$0] }, length: trainer.length)
        }
        for index in 0..<3 { _ = trainer.step(batch(index), rate: Float(settings.learningRate)) }
        var best = Double.infinity
        for round in 0..<repeats {
            let start = monotonicSeconds()
            for index in 0..<steps { _ = trainer.step(batch(3 + round * steps + index), rate: Float(settings.learningRate)) }
            best = min(best, (monotonicSeconds() - start) / Double(steps))
        }
        return best
    }

    /// The weights after one optimizer step per batch, in order, from `initial`, on the schedule
    /// of `settings` spread over exactly that many steps; and each step's loss. For comparing
    /// steps with another implementation's from the same weights on the same batches.
    /// - Complexity: one training step per batch.
    public static func steps(configuration: GPT2Configuration, initial: TensorBuffer<Float>, batches: [TrainingSequences],
                             settings: TrainingSettings) throws -> (parameters: TensorBuffer<Float>, losses: [Float]) {
        try configuration.validate()
        let layout = GPT2Layout(configuration)
        let trainer = Trainer(model: Transformer(layout: layout, parameters: initial.copy()), blocks: batches.first ?? TrainingSequences(),
                              validation: TrainingSequences(), settings: settings, seed: 1)
        let schedule = LearningRateSchedule(peak: settings.learningRate, warmupSteps: settings.warmupSteps,
                                            floorRatio: settings.floorRatio, totalSteps: batches.count)
        var losses: [Float] = []
        for (index, batch) in batches.enumerated() {
            let rows = (0..<batch.count).map { batch[$0] }
            let length = rows.map(\.count).max() ?? 1
            guard length <= configuration.context else { throw CollapseError("blocks of \(length) tokens do not fit the context of \(configuration.context)") }
            losses.append(trainer.step(SequenceBatch(rows, length: length), rate: Float(schedule.rate(at: index))))
        }
        return (trainer.model.parameters, losses)
    }

    /// The history as TSV: step, tokens, seconds, training and validation loss and perplexity.
    public static func historyTable(_ history: [TrainingRecord]) -> String {
        var text = "step\ttokens\tseconds\ttraining_seconds\ttraining_loss\tvalidation_loss\tvalidation_perplexity\n"
        for record in history {
            let validation = record.validationLoss.map { ("\($0)", "\(exp($0))") } ?? ("NA", "NA")
            text += "\(record.step)\t\(record.tokens)\t\(record.seconds)\t\(record.trainingSeconds)\t\(record.trainingLoss)\t\(validation.0)\t\(validation.1)\n"
        }
        return text
    }
}
