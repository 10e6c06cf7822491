import Foundation
import LanguageModeling
import NeuralNetworks
import Reporting
import Storage
import Tokenization

/// One point of a training run's history.
public struct TrainingRecord: Sendable, Equatable, Codable {
    public var step: Int
    public var tokens: Int
    public var seconds: Double
    /// Seconds spent in training steps alone (without evaluations).
    public var trainingSeconds: Double
    /// Mean training loss (nats per token) over the steps since the previous record.
    public var trainingLoss: Double
    /// Mean loss on the real validation blocks, when measured here.
    public var validationLoss: Double?
}

/// Trains a transformer on blocks: each epoch a fresh seeded shuffle, whole batches only (the
/// remainder of a shuffle waits for the next epoch's), one AdamW step per batch. Deterministic
/// for a seed at a fixed thread count.
public final class Trainer {
    public let model: Transformer<Float>
    public let settings: TrainingSettings
    public private(set) var history: [TrainingRecord] = []
    /// The weights at the end of the epoch with the lowest validation loss so far.
    public private(set) var bestEpochParameters: TensorBuffer<Float>?
    private var bestValidationLoss = Double.infinity
    let blocks: TrainingSequences
    let validation: TrainingSequences
    let seed: UInt64
    /// Where each epoch's end is saved, and resumed from.
    let checkpointDirectory: String?
    private var optimizer: AdamW<Float>

    /// - Parameter checkpointDirectory: save a checkpoint at each epoch's end here, and go on
    ///   from the one found there (of this same training) instead of starting over.
    public init(model: Transformer<Float>, blocks: TrainingSequences, validation: TrainingSequences, settings: TrainingSettings, seed: UInt64,
                checkpointDirectory: String? = nil) {
        self.model = model
        self.checkpointDirectory = checkpointDirectory
        self.blocks = blocks
        self.validation = validation
        self.settings = settings
        self.seed = seed
        optimizer = AdamW(layout: model.layout.tensors)
        configureOptimizer()
    }

    public var stepsPerEpoch: Int { blocks.count / settings.batchSize }

    /// Steps the schedule plans for (before any time budget shortens it).
    public var plannedSteps: Int { settings.steps ?? settings.epochs * stepsPerEpoch }

    /// The longest block: the sequence length of every batch.
    var length: Int { (0..<blocks.count).map { blocks[$0].count }.max() ?? 1 }

    /// Trains; `note` hears a line per evaluation.
    /// - Throws: when there is not one whole batch of blocks, or a block longer than the context.
    public func train(note: (String) -> Void = { _ in }) throws {
        guard stepsPerEpoch > 0 else { throw CollapseError("\(blocks.count) blocks make no whole batch of \(settings.batchSize)") }
        guard length <= model.configuration.context else {
            throw CollapseError("blocks of \(length) tokens do not fit the context of \(model.configuration.context)")
        }
        var schedule = LearningRateSchedule(peak: settings.learningRate, warmupSteps: settings.warmupSteps,
                                            floorRatio: settings.floorRatio, totalSteps: plannedSteps)
        var start = monotonicSeconds()
        var order: [Int] = []
        var lossSum = 0.0, lossSteps = 0
        var step = 0
        var trainingSeconds = 0.0
        if let resumed = resume() {
            step = resumed.step
            schedule.totalSteps = resumed.totalSteps
            trainingSeconds = history.last?.trainingSeconds ?? 0
            start -= history.last?.seconds ?? 0
            note("resuming at step \(step) from \(checkpointDirectory ?? "")/\(TrainingCheckpoint.fileName)")
        }
        let firstStep = step
        let progress = ProgressReporter(stage: "train gpt2", total: (schedule.totalSteps - firstStep) * settings.batchSize * length, unit: "tokens")
        while step < schedule.totalSteps {
            let stepStart = monotonicSeconds()
            let epoch = step / stepsPerEpoch, position = step % stepsPerEpoch
            if position == 0 { order = shuffled(epoch: epoch) }
            let rows = order[(position * settings.batchSize)..<((position + 1) * settings.batchSize)].map { blocks[$0] }
            let loss = self.step(SequenceBatch(rows, length: length), rate: Float(schedule.rate(at: step)))
            guard loss.isFinite else { throw Self.diverged(at: step + 1, what: "the training loss is \(loss)") }
            trainingSeconds += monotonicSeconds() - stepStart
            lossSum += Double(loss)
            lossSteps += 1
            step += 1
            progress.advance(by: settings.batchSize * length, detail: "loss \(Format.fixed(Double(loss), digits: 3))")
            if step == 20, let budget = settings.timeBudget, settings.steps == nil {
                let rate = Double(step) / trainingSeconds
                schedule.totalSteps = max(step, min(schedule.totalSteps, Int(budget * rate)))
                progress.expect(total: (schedule.totalSteps - firstStep) * settings.batchSize * length)
            }
            let timeUp = settings.timeBudget.map { monotonicSeconds() - start >= $0 } ?? false
            let evaluate = step == schedule.totalSteps || timeUp || step % stepsPerEpoch == 0
                || settings.evaluateEvery.map { step % $0 == 0 } ?? false
            if evaluate {
                try record(step: step, start: start, trainingSeconds: trainingSeconds, loss: lossSum / Double(lossSteps), note: note)
                (lossSum, lossSteps) = (0, 0)
                if step % stepsPerEpoch == 0 && step < schedule.totalSteps { try saveCheckpoint(step: step, totalSteps: schedule.totalSteps) }
            }
            if timeUp { break }
        }
        progress.finish()
        // The last update is never followed by a loss that would show it.
        guard model.parameters.isFinite else {
            throw Self.diverged(at: step, what: "the weights are no longer finite")
        }
    }

    /// One optimizer step on a batch; returns its mean loss.
    func step(_ batch: SequenceBatch, rate: Float) -> Float {
        model.gradients.fill(0)
        let loss = model.forward(batch, keepGradient: true)
        model.backward()
        _ = clipGradientNorm(model.gradients, maximum: Float(settings.clip))
        optimizer.update(model.parameters, gradients: model.gradients, rate: rate)
        return loss
    }

    /// Training that produced NaN or infinity: nothing it made can be scored or kept.
    static func diverged(at step: Int, what: String) -> CollapseError {
        CollapseError("training diverged at step \(step): \(what); lower the learning rate or lengthen the warm-up")
    }

    private func record(step: Int, start: Double, trainingSeconds: Double, loss: Double, note: (String) -> Void) throws {
        let validationLoss = validation.count > 0 ? model.meanLoss(validation, batchSize: settings.batchSize) : nil
        if let validationLoss, !validationLoss.isFinite { throw Self.diverged(at: step, what: "the validation loss is \(validationLoss)") }
        let entry = TrainingRecord(step: step, tokens: step * settings.batchSize * length, seconds: monotonicSeconds() - start,
                                   trainingSeconds: trainingSeconds, trainingLoss: loss, validationLoss: validationLoss)
        history.append(entry)
        if step % stepsPerEpoch == 0, let validationLoss, validationLoss < bestValidationLoss {
            bestValidationLoss = validationLoss
            bestEpochParameters = model.parameters.copy()
        }
        note("step \(step): training loss \(Format.fixed(loss, digits: 4))"
             + (validationLoss.map { ", validation perplexity \(Format.fixed(exp($0), digits: 2))" } ?? ""))
    }

    /// What identifies this training: settings, shape, seed and data.
    var fingerprint: String {
        var hasher = XXHash64()
        let settingsJSON = (try? prettyJSON(settings)) ?? ""
        let shape = model.configuration
        hasher.update(Array("\(settingsJSON)|\(shape.layers) \(shape.width) \(shape.heads) \(shape.context) \(shape.vocabularySize)|\(seed)|".utf8))
        blocks.tokens.withUnsafeBytes { hasher.update($0) }
        blocks.ends.withUnsafeBytes { hasher.update($0) }
        validation.tokens.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize().hexDigits
    }

    private func saveCheckpoint(step: Int, totalSteps: Int) throws {
        guard let checkpointDirectory else { return }
        try TrainingCheckpoint(step: step, totalSteps: totalSteps, parameters: model.parameters, firstMoment: optimizer.firstMoment,
                               secondMoment: optimizer.secondMoment, optimizerStep: optimizer.step,
                               best: bestEpochParameters.map { ($0, bestValidationLoss) }, history: history)
            .save(in: checkpointDirectory, fingerprint: fingerprint)
    }

    /// Restores the last checkpoint of this training, if there is one.
    private func resume() -> TrainingCheckpoint? {
        guard let checkpointDirectory,
              let checkpoint = TrainingCheckpoint.load(from: checkpointDirectory, fingerprint: fingerprint, count: model.parameters.count) else { return nil }
        model.parameters.pointer.update(from: checkpoint.parameters.pointer, count: checkpoint.parameters.count)
        optimizer = AdamW(layout: model.layout.tensors, step: checkpoint.optimizerStep, first: checkpoint.firstMoment, second: checkpoint.secondMoment)
        configureOptimizer()
        bestEpochParameters = checkpoint.best?.parameters
        bestValidationLoss = checkpoint.best?.loss ?? .infinity
        history = checkpoint.history
        return checkpoint
    }

    private func configureOptimizer() {
        optimizer.beta1 = Float(settings.beta1)
        optimizer.beta2 = Float(settings.beta2)
        optimizer.epsilon = Float(settings.epsilon)
        optimizer.weightDecay = Float(settings.weightDecay)
    }

    /// Block indices in this epoch's order.
    func shuffled(epoch: Int) -> [Int] {
        Self.order(blocks: blocks.count, seed: seed, epoch: epoch)
    }

    /// The order in which training with `seed` visits `blocks` blocks in epoch `epoch`.
    /// - Complexity: O(blocks).
    public static func order(blocks: Int, seed: UInt64, epoch: Int) -> [Int] {
        var random = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(epoch))
        var order = Array(0..<blocks)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        return order
    }
}

extension Transformer where T == Float {
    /// Mean loss (nats per predicted token) of sequences under the block convention.
    public func meanLoss(_ sequences: TrainingSequences, batchSize: Int) -> Double {
        let total = sequenceLogProbabilities(sequences, batchSize: batchSize).reduce(0, +)
        let tokens = (0..<sequences.count).reduce(0) { $0 + sequences[$1].count }
        return -total / Double(max(tokens, 1))
    }
}
