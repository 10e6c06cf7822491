/// Causal multi-head self-attention over a fused q/k/v projection (GPT-2's `c_attn` output:
/// q, k and v are the consecutive thirds of each row, split per head), scaled by 1/√head size.
/// Forward and backward side by side; the forward keeps the attention weights.
public enum CausalSelfAttention {
    /// - Parameters:
    ///   - out: [batch, length, channels], the heads' outputs side by side.
    ///   - weights: [batch, heads, length, length], softmax(q·kᵀ/√d) with zeros above the diagonal.
    ///   - qkv: [batch, length, 3·channels].
    /// - Complexity: O(batch × heads × length² × head size).
    @inlinable
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, weights: UnsafeMutablePointer<T>, qkv: UnsafePointer<T>,
                                          batch: Int, length: Int, channels: Int, heads: Int) {
        let size = channels / heads, stride = 3 * channels
        let scale = 1 / T(size).squareRoot()
        Parallel.forEach(batch * heads, grain: 1) { range in
            for pair in range {
                let b = pair / heads, h = pair % heads
                for t in 0..<length {
                    let query = qkv + (b * length + t) * stride + h * size
                    let row = weights + ((b * heads + h) * length + t) * length
                    for t2 in 0...t {
                        row[t2] = T.dot(query, qkv + (b * length + t2) * stride + channels + h * size, count: size) * scale
                    }
                    let sum = T.exponentiate(row, count: t + 1, shift: T.maximum(row, count: t + 1))
                    for t2 in 0...t { row[t2] /= sum }
                    for t2 in (t + 1)..<max(t + 1, length) { row[t2] = 0 }
                    let y = out + (b * length + t) * channels + h * size
                    for i in 0..<size { y[i] = 0 }
                    for t2 in 0...t {
                        let value = qkv + (b * length + t2) * stride + 2 * channels + h * size
                        let w = row[t2]
                        for i in 0..<size { y[i] += w * value[i] }
                    }
                }
            }
        }
    }

    /// Accumulates dqkv from dout. Each (batch, head) pair is one task: the key and value
    /// gradients it accumulates belong to it alone.
    /// - Complexity: O(batch × heads × length² × head size).
    @inlinable
    public static func backward<T: Scalar>(dqkv: UnsafeMutablePointer<T>, dout: UnsafePointer<T>, qkv: UnsafePointer<T>, weights: UnsafePointer<T>,
                                           batch: Int, length: Int, channels: Int, heads: Int) {
        let size = channels / heads, stride = 3 * channels
        let scale = 1 / T(size).squareRoot()
        Parallel.forEach(batch * heads, grain: 1) { range in
            let dweights = UnsafeMutablePointer<T>.allocate(capacity: length)
            defer { dweights.deallocate() }
            for pair in range {
                let b = pair / heads, h = pair % heads
                for t in 0..<length {
                    let row = weights + ((b * heads + h) * length + t) * length
                    let dy = dout + (b * length + t) * channels + h * size
                    // Through the weighted sum of values.
                    for t2 in 0...t {
                        let value = qkv + (b * length + t2) * stride + 2 * channels + h * size
                        let dvalue = dqkv + (b * length + t2) * stride + 2 * channels + h * size
                        let w = row[t2]
                        for i in 0..<size { dvalue[i] += w * dy[i] }
                        dweights[t2] = T.dot(value, dy, count: size)
                    }
                    // Through the softmax: dscore = w ⊙ (dw − Σ w·dw).
                    let weighted = T.dot(row, dweights, count: t + 1)
                    let query = qkv + (b * length + t) * stride + h * size
                    let dquery = dqkv + (b * length + t) * stride + h * size
                    for t2 in 0...t {
                        let dscore = row[t2] * (dweights[t2] - weighted) * scale
                        let key = qkv + (b * length + t2) * stride + channels + h * size
                        let dkey = dqkv + (b * length + t2) * stride + channels + h * size
                        for i in 0..<size {
                            dquery[i] += key[i] * dscore
                            dkey[i] += query[i] * dscore
                        }
                    }
                }
            }
        }
    }
}
