import Foundation
import Testing
@testable import GPT2
@testable import NeuralNetworks
import Storage
import TestSupport

/// Analytic gradients against central finite differences, in double precision, for every
/// parameter tensor of a small model whose weights are far from their initialization (so
/// biases and LayerNorm gains matter).
@Suite struct GradientCheckTests {
    @Test func analyticGradientsMatchFiniteDifferencesForEveryTensor() throws {
        let configuration = GPT2Configuration(layers: 2, width: 8, heads: 2, context: 6, vocabularySize: 11)
        let layout = GPT2Layout(configuration)
        let parameters: TensorBuffer<Double> = layout.initialized(seed: 3)
        var random = NormalSampler(seed: 4)
        for i in 0..<parameters.count { parameters[i] += 0.3 * random.next() }
        let model = Transformer<Double>(layout: layout, parameters: parameters)
        let (batch, length) = (2, 5)
        let ids: [Int32] = [1, 4, 7, 2, 9, 10, 3, 3, 0, 5]
        let targets: [Int32] = [4, 7, 2, 9, -1, 3, 3, 0, 5, 6]
        func loss() -> Double {
            ids.withUnsafeBufferPointer { i in targets.withUnsafeBufferPointer { t in
                model.forward(ids: i, targets: t, batch: batch, length: length, keepGradient: false)
            } }
        }
        model.gradients.fill(0)
        _ = ids.withUnsafeBufferPointer { i in targets.withUnsafeBufferPointer { t in
            model.forward(ids: i, targets: t, batch: batch, length: length, keepGradient: true)
        } }
        model.backward()
        let step = 1e-5
        var checked = 0
        for entry in layout.tensors.entries {
            // Every element of small tensors; a spread of 24 elements of larger ones.
            let indices = probedIndices(count: entry.count, samples: 24, jitter: 3).map { entry.offset + $0 }
            // Central differences carry rounding noise of about ε·loss/step ≈ 3e-11, so gradients
            // below 1e-4 are held to an absolute 1e-9 instead of a relative 1e-5.
            let worst = worstGradientDifference(at: indices, parameters: parameters.pointer, gradients: model.gradients.pointer,
                                                step: step, floor: 1e-4, loss: loss)
            checked += indices.count
            #expect(worst < 1e-5, "\(entry.name): worst relative difference \(worst)")
        }
        #expect(checked > 300)
    }
}

/// The single-precision path (vectorized exp and tanh, the blocked output head's kept logits)
/// gives the double-precision gradients to single-precision accuracy.
@Suite struct SinglePrecisionTests {
    @Test func floatGradientsEqualDoubleGradients() throws {
        let configuration = GPT2Configuration(layers: 2, width: 32, heads: 2, context: 20, vocabularySize: 2500)
        let layout = GPT2Layout(configuration)
        let doubles: TensorBuffer<Double> = layout.initialized(seed: 8)
        var random = NormalSampler(seed: 9)
        for i in 0..<doubles.count { doubles[i] += 0.05 * random.next() }
        let floats = TensorBuffer<Float>(count: doubles.count)
        for i in 0..<doubles.count { floats[i] = Float(doubles[i]) }
        let (batch, length) = (3, 17)
        var ids = [Int32](), targets = [Int32]()
        var state: UInt64 = 1
        for _ in 0..<(batch * length) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            ids.append(Int32((state >> 40) % 2500))
            targets.append(Int32((state >> 20) % 2500))
        }
        let precise = Transformer<Double>(layout: layout, parameters: doubles), single = Transformer<Float>(layout: layout, parameters: floats)
        let lossDouble = ids.withUnsafeBufferPointer { i in targets.withUnsafeBufferPointer { t in
            precise.forward(ids: i, targets: t, batch: batch, length: length, keepGradient: true) } }
        let lossFloat = ids.withUnsafeBufferPointer { i in targets.withUnsafeBufferPointer { t in
            single.forward(ids: i, targets: t, batch: batch, length: length, keepGradient: true) } }
        precise.backward()
        single.backward()
        #expect(abs(Double(lossFloat) - lossDouble) < 1e-5 * lossDouble, "\(lossFloat) vs \(lossDouble)")
        for entry in layout.tensors.entries {
            var difference = 0.0, norm = 0.0
            for i in entry.offset..<(entry.offset + entry.count) {
                difference += pow(Double(single.gradients[i]) - precise.gradients[i], 2)
                norm += pow(precise.gradients[i], 2)
            }
            #expect(difference.squareRoot() <= 1e-4 * norm.squareRoot(), "\(entry.name): relative error \(difference.squareRoot() / norm.squareRoot())")
        }
    }
}
