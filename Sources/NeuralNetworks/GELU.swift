/// GELU with the tanh approximation (GPT-2's `gelu_new`): forward and backward side by side.
public enum GELU {
    @usableFromInline static let scale = 0.797_884_560_802_865_4 // √(2/π)

    /// out = ½ x (1 + tanh(√(2/π)(x + 0.044715 x³))). O(count).
    @inlinable
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, count: Int) {
        let s = T(scale)
        Parallel.forEach(count, grain: 1 << 14) { range in
            for i in range {
                let x = inp[i]
                out[i] = 0.5 * x * (1 + T.tanh(s * (x + 0.044715 * x * x * x)))
            }
        }
    }

    /// dinp += dout · GELU′(inp). O(count).
    @inlinable
    public static func backward<T: Scalar>(dinp: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, dout: UnsafePointer<T>, count: Int) {
        let s = T(scale)
        Parallel.forEach(count, grain: 1 << 14) { range in
            for i in range {
                let x = inp[i]
                let cube = 0.044715 * x * x * x
                let t = T.tanh(s * (x + cube))
                let sech2 = 1 - t * t
                let local = 0.5 * (1 + t) + 0.5 * x * sech2 * s * (1 + 3 * 0.044715 * x * x)
                dinp[i] += local * dout[i]
            }
        }
    }
}
