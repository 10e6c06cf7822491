import Testing
@testable import GPT2
@testable import NeuralNetworks
import Storage

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
            var worst = 0.0
            // Every element of small tensors; a spread of 24 elements of larger ones.
            let indices = entry.count <= 24 ? Array(0..<entry.count) : (0..<24).map { $0 * entry.count / 24 + $0 % 3 }
            for index in indices.map({ entry.offset + $0 }) {
                let saved = parameters[index]
                parameters[index] = saved + step
                let up = loss()
                parameters[index] = saved - step
                let down = loss()
                parameters[index] = saved
                let numeric = (up - down) / (2 * step)
                let analytic = model.gradients[index]
                worst = max(worst, abs(numeric - analytic) / max(1e-6, abs(numeric) + abs(analytic)))
                checked += 1
            }
            #expect(worst < 1e-5, "\(entry.name): worst relative difference \(worst)")
        }
        #expect(checked > 300)
    }
}
