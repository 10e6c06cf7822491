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
    private var optimizer: AdamW<Float>

    public init(model: Transformer<Float>, blocks: TrainingSequences, validation: TrainingSequences, settings: TrainingSettings, seed: UInt64) {
        self.model = model
        self.blocks = blocks
        self.validation = validation
        self.settings = settings
        self.seed = seed
        optimizer = AdamW(layout: model.layout.tensors)
        optimizer.beta1 = Float(settings.beta1)
        optimizer.beta2 = Float(settings.beta2)
        optimizer.epsilon = Float(settings.epsilon)
        optimizer.weightDecay = Float(settings.weightDecay)
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
        let start = monotonicSeconds()
        let progress = ProgressReporter(stage: "train gpt2", total: plannedSteps * settings.batchSize * length, unit: "tokens")
        var order: [Int] = []
        var lossSum = 0.0, lossSteps = 0
        var step = 0
        var trainingSeconds = 0.0
        while step < schedule.totalSteps {
            let stepStart = monotonicSeconds()
            let epoch = step / stepsPerEpoch, position = step % stepsPerEpoch
            if position == 0 { order = shuffled(epoch: epoch) }
            let rows = order[(position * settings.batchSize)..<((position + 1) * settings.batchSize)].map { blocks[$0] }
            let loss = self.step(SequenceBatch(rows, length: length), rate: Float(schedule.rate(at: step)))
            trainingSeconds += monotonicSeconds() - stepStart
            lossSum += Double(loss)
            lossSteps += 1
            step += 1
            progress.advance(by: settings.batchSize * length, detail: "loss \(Format.fixed(Double(loss), digits: 3))")
            if step == 20, let budget = settings.timeBudget, settings.steps == nil {
                let rate = Double(step) / trainingSeconds
                schedule.totalSteps = max(step, min(schedule.totalSteps, Int(budget * rate)))
            }
            let timeUp = settings.timeBudget.map { monotonicSeconds() - start >= $0 } ?? false
            let evaluate = step == schedule.totalSteps || timeUp || step % stepsPerEpoch == 0
                || settings.evaluateEvery.map { step % $0 == 0 } ?? false
            if evaluate {
                record(step: step, start: start, trainingSeconds: trainingSeconds, loss: lossSum / Double(lossSteps), note: note)
                (lossSum, lossSteps) = (0, 0)
            }
            if timeUp { break }
        }
        progress.finish()
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

    private func record(step: Int, start: Double, trainingSeconds: Double, loss: Double, note: (String) -> Void) {
        let validationLoss = validation.count > 0 ? model.meanLoss(validation, batchSize: settings.batchSize) : nil
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

    /// Block indices in this epoch's order.
    func shuffled(epoch: Int) -> [Int] {
        var random = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(epoch))
        var order = Array(0..<blocks.count)
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
