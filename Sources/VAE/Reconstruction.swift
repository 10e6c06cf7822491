import Foundation
import NeuralNetworks

/// −log p(x | z) for p = N(m, s² I), with the decoder's means m = sigmoid(logits) in (0, 1):
/// ‖x − m‖² / (2s²) + D·log(s√(2π)). Forward and backward side by side.
struct Reconstruction<T: Scalar> {
    let deviation: T
    let pixels: Int

    /// The normalizing term D·log(s√(2π)): what makes the loss a density's.
    var normalizer: T { T(pixels) * T.log(deviation * T((2 * Double.pi).squareRoot())) }

    /// The loss of one image. O(pixels).
    func loss(_ image: UnsafePointer<T>, mean: UnsafePointer<T>) -> T {
        var sum: T = 0
        for j in 0..<pixels {
            let difference = image[j] - mean[j]
            sum += difference * difference
        }
        return sum / (2 * deviation * deviation) + normalizer
    }

    /// m ← 1 / (1 + e^(−m)) in place. O(count).
    static func sigmoid(_ values: UnsafeMutablePointer<T>, count: Int) {
        for i in 0..<count { values[i] = 1 / (1 + T.exp(-values[i])) }
    }

    /// The gradient of `scale` × (Σ losses) with respect to the logits, written over `dLogits`:
    /// scale · (m − x) / s² · m (1 − m). O(count).
    func backward(_ dLogits: UnsafeMutablePointer<T>, images: UnsafePointer<T>, mean: UnsafePointer<T>, count: Int, scale: T) {
        let factor = scale / (deviation * deviation)
        for i in 0..<count {
            let m = mean[i]
            dLogits[i] = factor * (m - images[i]) * m * (1 - m)
        }
    }
}
