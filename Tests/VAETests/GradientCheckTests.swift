import Foundation
import NeuralNetworks
import Storage
import Testing
import TestSupport
@testable import VAE

/// The VAE's loss (negative ELBO with fixed noise) differentiated analytically and by central
/// finite differences, in double precision, for every parameter tensor of a small network.
@Suite struct GradientCheckTests {
    @Test func analyticGradientsMatchFiniteDifferencesForEveryTensor() {
        let architecture = VAEArchitecture(hidden: 6, latent: 3, pixelDeviation: 0.3)
        let model = VariationalAutoencoder<Double>(architecture: architecture, seed: 2)
        var random = NormalSampler(seed: 3)
        for i in 0..<model.parameters.count { model.parameters[i] += 0.2 * random.next() }
        let rows = 4
        let images = (0..<(rows * 64)).map { _ in random.random.unitInterval() }
        let noise = (0..<(rows * 3)).map { _ in random.next() }
        var losses = [Double](repeating: 0, count: rows)
        func loss() -> Double {
            model.forward(images: images, noise: noise, rows: rows, losses: &losses)
            return losses.reduce(0, +) / Double(rows)
        }
        model.gradients.fill(0)
        _ = loss()
        model.backward(scale: 1 / Double(rows))
        let step = 1e-6
        var checked = 0
        for entry in architecture.layout.entries {
            let indices = probedIndices(count: entry.count, samples: 30, jitter: 5).map { entry.offset + $0 }
            // Gradients below 1e-3 are held to an absolute difference: theirs is mostly rounding.
            let worst = worstGradientDifference(at: indices, parameters: model.parameters.pointer, gradients: model.gradients.pointer,
                                                step: step, floor: 1e-3, loss: loss)
            checked += indices.count
            #expect(worst < 1e-6, "\(entry.name): worst relative difference \(worst)")
        }
        #expect(checked > 100)
    }

    /// The likelihood is a density: exp(−loss) of one pixel integrates to 1 over the real line.
    @Test func pixelLikelihoodIntegratesToOne() {
        for (deviation, mean) in [(0.1, 0.3), (0.5, 0.9), (1.7, 0.02)] {
            let reconstruction = Reconstruction<Double>(deviation: deviation, pixels: 1)
            let width = deviation / 200
            var total = 0.0, x = mean - 12 * deviation
            var m = mean
            while x < mean + 12 * deviation {
                var pixel = x
                total += exp(-reconstruction.loss(&pixel, mean: &m)) * width
                x += width
            }
            #expect(abs(total - 1) < 1e-9, "σ \(deviation): ∫ = \(total)")
        }
    }

    /// The closed-form KL term equals E_q[log q(z) − log p(z)] by numerical integration (one dimension).
    @Test func divergenceMatchesItsIntegral() {
        for (mean, logVariance) in [(0.0, 0.0), (1.3, -1.2), (-0.4, 0.9)] {
            let head = [mean, logVariance]
            let closed = Latent.divergence(head: head, latent: 1)
            let deviation = exp(logVariance / 2)
            var integral = 0.0
            let width = deviation / 500
            var z = mean - 12 * deviation
            while z < mean + 12 * deviation {
                let logQ = -0.5 * pow((z - mean) / deviation, 2) - log(deviation * (2 * Double.pi).squareRoot())
                let logP = -0.5 * z * z - log((2 * Double.pi).squareRoot())
                integral += exp(logQ) * (logQ - logP) * width
                z += width
            }
            #expect(abs(closed - integral) < 1e-8, "μ \(mean), log σ² \(logVariance): \(closed) vs \(integral)")
        }
    }

    /// Single precision gives the double-precision loss and gradients to single-precision accuracy.
    @Test func floatModelAgreesWithDoubleModel() {
        let architecture = VAEArchitecture(hidden: 40, latent: 4)
        let precise = VariationalAutoencoder<Double>(architecture: architecture, seed: 7)
        let single = VariationalAutoencoder<Float>(architecture: architecture, parameters: {
            let buffer = TensorBuffer<Float>(count: precise.parameters.count)
            for i in 0..<buffer.count { buffer[i] = Float(precise.parameters[i]) }
            return buffer
        }())
        var random = NormalSampler(seed: 8)
        let rows = 70
        let images = (0..<(rows * 64)).map { _ in Float(random.random.unitInterval()) }
        let noise = (0..<(rows * 4)).map { _ in Float(random.next()) }
        var lossesDouble = [Double](repeating: 0, count: rows), lossesFloat = [Float](repeating: 0, count: rows)
        precise.forward(images: images.map(Double.init), noise: noise.map(Double.init), rows: rows, losses: &lossesDouble)
        single.forward(images: images, noise: noise, rows: rows, losses: &lossesFloat)
        precise.backward(scale: 1)
        single.backward(scale: 1)
        for row in 0..<rows { #expect(abs(Double(lossesFloat[row]) - lossesDouble[row]) < 1e-4 * max(1, abs(lossesDouble[row]))) }
        let scale = (0..<precise.gradients.count).map { abs(precise.gradients[$0]) }.max() ?? 1
        let worst = (0..<precise.gradients.count).map { abs(Double(single.gradients[$0]) - precise.gradients[$0]) }.max() ?? 0
        #expect(worst < 1e-4 * scale, "worst gradient difference \(worst) of \(scale)")
    }
}
