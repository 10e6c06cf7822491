/// Layer normalization over the last dimension (ε = 1e-5, as GPT-2): forward and backward side
/// by side. The forward keeps each row's mean and reciprocal standard deviation for the backward.
public enum LayerNorm {
    public static let epsilon = 1e-5

    /// out = (inp − mean) · rstd · weight + bias, per row.
    /// - Complexity: O(rows × channels).
    @inlinable
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, mean: UnsafeMutablePointer<T>, rstd: UnsafeMutablePointer<T>,
                                          _ inp: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>,
                                          rows: Int, channels: Int) {
        // 256 rows a task: decoding's few rows stay on the calling thread (waking another costs more).
        Parallel.forEach(rows, grain: 256) { range in
            for n in range {
                let x = inp + n * channels, y = out + n * channels
                var sum: T = 0
                for i in 0..<channels { sum += x[i] }
                let m = sum / T(channels)
                var variance: T = 0
                for i in 0..<channels {
                    let d = x[i] - m
                    variance += d * d
                }
                let s = 1 / (variance / T(channels) + T(epsilon)).squareRoot()
                for i in 0..<channels { y[i] = (x[i] - m) * s * weight[i] + bias[i] }
                mean[n] = m
                rstd[n] = s
            }
        }
    }

    /// Accumulates dinp, dweight and dbias. Row chunks keep partial sums of dweight and dbias,
    /// added in chunk order afterwards, so the result does not depend on the thread count.
    /// - Complexity: O(rows × channels).
    @inlinable
    public static func backward<T: Scalar>(dinp: UnsafeMutablePointer<T>, dweight: UnsafeMutablePointer<T>, dbias: UnsafeMutablePointer<T>,
                                           dout: UnsafePointer<T>, inp: UnsafePointer<T>, weight: UnsafePointer<T>,
                                           mean: UnsafePointer<T>, rstd: UnsafePointer<T>, rows: Int, channels: Int) {
        let chunkRows = 64
        let chunks = (rows + chunkRows - 1) / chunkRows
        let partial = UnsafeMutablePointer<T>.allocate(capacity: chunks * 2 * channels)
        defer { partial.deallocate() }
        partial.initialize(repeating: 0, count: chunks * 2 * channels)
        Parallel.forEachChunk(chunks, chunks: chunks) { range in
            for chunk in range {
                let dw = partial + chunk * 2 * channels, db = dw + channels
                for n in (chunk * chunkRows)..<min(rows, (chunk + 1) * chunkRows) {
                    let x = inp + n * channels, dy = dout + n * channels, dx = dinp + n * channels
                    let m = mean[n], s = rstd[n]
                    var dnormMean: T = 0, dnormNormMean: T = 0
                    for i in 0..<channels {
                        let norm = (x[i] - m) * s
                        let dnorm = weight[i] * dy[i]
                        dnormMean += dnorm
                        dnormNormMean += dnorm * norm
                    }
                    dnormMean /= T(channels)
                    dnormNormMean /= T(channels)
                    for i in 0..<channels {
                        let norm = (x[i] - m) * s
                        let dnorm = weight[i] * dy[i]
                        db[i] += dy[i]
                        dw[i] += norm * dy[i]
                        dx[i] += (dnorm - dnormMean - norm * dnormNormMean) * s
                    }
                }
            }
        }
        for chunk in 0..<chunks {
            let dw = partial + chunk * 2 * channels, db = dw + channels
            for i in 0..<channels {
                dweight[i] += dw[i]
                dbias[i] += db[i]
            }
        }
    }
}
