import Foundation
import NeuralNetworks
import Reporting
import Storage

/// How a VAE learns: Adam (PyTorch's defaults: β (0.9, 0.999), ε 1e-8, no weight decay) on
/// mini-batches of images shuffled each epoch, one reparameterised draw per image and step.
public struct VAETraining: Codable, Sendable, Equatable {
    public var epochs = 200
    public var batchSize = 64
    public var learningRate = 1e-3

    public init(epochs: Int = 200, batchSize: Int = 64, learningRate: Double = 1e-3) {
        (self.epochs, self.batchSize, self.learningRate) = (epochs, batchSize, learningRate)
    }

    public func validate() throws {
        try VAELimits.epochs.check(epochs, as: "--epochs")
        try VAELimits.batchSize.check(batchSize, as: "--batch-size")
        try VAELimits.learningRate.check(learningRate, as: "--learning-rate")
    }

    /// Trains `model` on `data` from `seed` (the shuffles and the draws); returns the mean loss
    /// (negative ELBO per image, nats) of each epoch. Progress goes to stderr under `stage`.
    /// - Complexity: O(epochs × images × hidden × (pixels + latent)).
    public func train(_ model: VariationalAutoencoder<Float>, on data: DigitSet, seed: UInt64, stage: String) -> [Double] {
        var optimizer = AdamW<Float>(layout: model.architecture.layout)
        optimizer.beta2 = 0.999
        optimizer.weightDecay = 0
        var order = SplitMix64(seed: seed ^ 0x5348_5546_464C_4521)
        var noise = NormalSampler(seed: seed ^ 0x4E4F_4953_4521)
        let (pixels, latent) = (DigitSet.pixels, model.architecture.latent)
        var indices = Array(0..<data.count)
        var batch = [Float](repeating: 0, count: batchSize * pixels)
        var draws = [Float](repeating: 0, count: batchSize * latent)
        var losses = [Float](repeating: 0, count: batchSize)
        var history: [Double] = []
        let progress = ProgressReporter(stage: stage, total: epochs, unit: "epochs")
        for _ in 0..<epochs {
            indices.shuffle(using: &order)
            var total = 0.0
            for start in stride(from: 0, to: indices.count, by: batchSize) {
                let rows = min(batchSize, indices.count - start)
                data.values.withUnsafeBufferPointer { values in
                    for (row, image) in indices[start..<(start + rows)].enumerated() {
                        for j in 0..<pixels { batch[row * pixels + j] = values[image * pixels + j] }
                    }
                }
                for i in 0..<(rows * latent) { draws[i] = Float(noise.next()) }
                model.gradients.fill(0)
                model.forward(images: batch, noise: draws, rows: rows, losses: &losses)
                model.backward(scale: 1 / Float(rows))
                optimizer.update(model.parameters, gradients: model.gradients, rate: Float(learningRate))
                total += losses[..<rows].reduce(0.0) { $0 + Double($1) }
            }
            history.append(total / Double(max(1, data.count)))
            progress.advance(by: 1, detail: "loss \(String(format: "%.2f", history.last ?? 0))")
        }
        progress.finish()
        return history
    }
}
