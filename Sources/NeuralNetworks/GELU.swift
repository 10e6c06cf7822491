/// GELU with the tanh approximation (GPT-2's `gelu_new`): forward and backward side by side.
/// The tangents are taken a chunk at a time with the vectorized `hyperbolicTangent`.
public enum GELU {
    @usableFromInline static let scale = 0.797_884_560_802_865_4 // √(2/π)
    /// Elements per task: fewer would cost more in waking threads than they save (decoding).
    @usableFromInline static let grain = 1 << 16

    /// out = ½ x (1 + tanh(√(2/π)(x + 0.044715 x³))). O(count).
    @inlinable
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, count: Int) {
        let s = T(scale)
        Parallel.forEach(count, grain: grain) { range in
            for i in range {
                let x = inp[i]
                out[i] = s * (x + 0.044715 * x * x * x)
            }
            T.hyperbolicTangent(out + range.lowerBound, count: range.count)
            for i in range { out[i] = 0.5 * inp[i] * (1 + out[i]) }
        }
    }

    /// dinp += dout · GELU′(inp). O(count).
    @inlinable
    public static func backward<T: Scalar>(dinp: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, dout: UnsafePointer<T>, count: Int) {
        let s = T(scale)
        Parallel.forEach(count, grain: grain) { range in
            let t = UnsafeMutablePointer<T>.allocate(capacity: range.count)
            defer { t.deallocate() }
            for i in range {
                let x = inp[i]
                t[i - range.lowerBound] = s * (x + 0.044715 * x * x * x)
            }
            T.hyperbolicTangent(t, count: range.count)
            for i in range {
                let x = inp[i], th = t[i - range.lowerBound]
                let local = 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * s * (1 + 3 * 0.044715 * x * x)
                dinp[i] += local * dout[i]
            }
        }
    }
}
