/// Adam with decoupled weight decay, step for step as PyTorch's `torch.optim.AdamW`: the
/// weight shrinks by lr·decay first, then moves by the bias-corrected moments.
public struct AdamW<T: Scalar> {
    public var beta1: T = 0.9
    public var beta2: T = 0.95
    public var epsilon: T = 1e-8
    public var weightDecay: T = 0.1
    public var step = 0
    public let firstMoment: TensorBuffer<T>
    public let secondMoment: TensorBuffer<T>
    /// Each tensor's range of the flat buffer, and whether weight decay applies to it.
    @usableFromInline let tensors: [(range: Range<Int>, decays: Bool)]

    public init(layout: TensorLayout) {
        firstMoment = TensorBuffer(count: layout.count)
        secondMoment = TensorBuffer(count: layout.count)
        tensors = layout.entries.map { ($0.offset..<($0.offset + $0.count), $0.decays) }
    }

    /// Resumes with saved moments and step count.
    public init(layout: TensorLayout, step: Int, first: TensorBuffer<T>, second: TensorBuffer<T>) {
        self.init(layout: layout)
        self.step = step
        firstMoment.pointer.update(from: first.pointer, count: layout.count)
        secondMoment.pointer.update(from: second.pointer, count: layout.count)
    }

    /// One update of `parameters` by `gradients` at learning rate `rate`.
    /// - Complexity: O(parameters).
    @inlinable
    public mutating func update(_ parameters: TensorBuffer<T>, gradients: TensorBuffer<T>, rate: T) {
        step += 1
        let correction1 = 1 - pow(beta1, step), correction2 = 1 - pow(beta2, step)
        let stepSize = rate / correction1, root2 = correction2.squareRoot()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let p = parameters.pointer, g = gradients.pointer, m = firstMoment.pointer, v = secondMoment.pointer
        let decayed = 1 - rate * weightDecay
        for (range, decays) in tensors {
            let shrink: T = decays ? decayed : 1
            Parallel.forEach(range.count, grain: 1 << 15) { chunk in
                for i in (range.lowerBound + chunk.lowerBound)..<(range.lowerBound + chunk.upperBound) {
                    let gradient = g[i]
                    m[i] = b1 * m[i] + (1 - b1) * gradient
                    v[i] = b2 * v[i] + (1 - b2) * gradient * gradient
                    p[i] = p[i] * shrink - stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
                }
            }
        }
    }

    @inlinable
    func pow(_ base: T, _ exponent: Int) -> T {
        var result: T = 1
        for _ in 0..<exponent { result *= base }
        return result
    }
}

/// Gradient-norm clipping as PyTorch's `clip_grad_norm_`: when the global L2 norm exceeds
/// `maximum`, every gradient is scaled by maximum / (norm + 1e-6). Returns the norm before.
/// - Complexity: O(count); the norm is summed in chunks of fixed size, in order.
@inlinable
public func clipGradientNorm<T: Scalar>(_ gradients: TensorBuffer<T>, maximum: T) -> T {
    let chunk = 1 << 16
    let chunks = (gradients.count + chunk - 1) / chunk
    var partial = [Double](repeating: 0, count: chunks)
    partial.withUnsafeMutableBufferPointer { sums in
        let g = gradients.pointer
        Parallel.forEachChunk(chunks, chunks: chunks) { range in
            for c in range {
                var sum = 0.0
                for i in (c * chunk)..<min(gradients.count, (c + 1) * chunk) { sum += Double(g[i]) * Double(g[i]) }
                sums[c] = sum
            }
        }
    }
    let norm = T(partial.reduce(0, +).squareRoot())
    if norm > maximum {
        let factor = maximum / (norm + 1e-6)
        let g = gradients.pointer
        Parallel.forEach(gradients.count, grain: 1 << 15) { range in
            for i in range { g[i] *= factor }
        }
    }
    return norm
}
