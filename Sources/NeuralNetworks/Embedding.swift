/// Token plus position embeddings: forward and backward side by side.
public enum Embedding {
    /// out[b, t, :] = tokens[ids[b, t], :] + positions[t, :].
    /// - Complexity: O(batch × length × channels).
    @inlinable
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, ids: UnsafePointer<Int32>, tokens: UnsafePointer<T>,
                                          positions: UnsafePointer<T>, batch: Int, length: Int, channels: Int) {
        Parallel.forEach(batch * length, grain: 64) { range in
            for n in range {
                let token = tokens + Int(ids[n]) * channels, position = positions + (n % length) * channels, y = out + n * channels
                for i in 0..<channels { y[i] = token[i] + position[i] }
            }
        }
    }

    /// dtokens[ids[b, t]] += dout[b, t]; dpositions[t] += dout[b, t]. Serial, so repeated ids
    /// accumulate in a fixed order.
    @inlinable
    public static func backward<T: Scalar>(dtokens: UnsafeMutablePointer<T>, dpositions: UnsafeMutablePointer<T>, dout: UnsafePointer<T>,
                                           ids: UnsafePointer<Int32>, batch: Int, length: Int, channels: Int) {
        for n in 0..<(batch * length) {
            let dy = dout + n * channels, token = dtokens + Int(ids[n]) * channels, position = dpositions + (n % length) * channels
            for i in 0..<channels {
                token[i] += dy[i]
                position[i] += dy[i]
            }
        }
    }
}
