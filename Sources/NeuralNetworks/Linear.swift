/// A fully connected layer in Hugging Face's `Conv1D` layout: weight [in, out], so
/// y = x · W + b with x as rows. Forward and backward side by side, over BLAS.
public enum Linear {
    /// out[n, :] = inp[n, :] · weight + bias, for n < rows. Few rows (decoding's beams) go
    /// through `TiledProduct`, more through BLAS.
    /// - Complexity: one `rows × outputs × inputs` matrix product.
    @inlinable
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, weight: UnsafePointer<T>,
                                          bias: UnsafePointer<T>?, rows: Int, inputs: Int, outputs: Int) {
        if let bias {
            Parallel.forEach(rows, grain: 64) { range in
                for n in range { (out + n * outputs).update(from: bias, count: outputs) }
            }
        }
        if rows <= TiledProduct.fewRows {
            TiledProduct.multiplyAcrossCores(m: rows, n: outputs, k: inputs, a: inp, rowStride: inputs, depthStride: 1,
                                             b: .rowMajor(weight, stride: outputs), c: out, ldc: outputs, accumulate: bias != nil)
        } else {
            T.gemm(transposeA: false, transposeB: false, m: rows, n: outputs, k: inputs, alpha: 1,
                   a: inp, lda: inputs, b: weight, ldb: outputs, beta: bias == nil ? 0 : 1, c: out, ldc: outputs)
        }
    }

    /// Accumulates the gradients: dinp += dout · Wᵀ, dweight += inpᵀ · dout, dbias += Σ rows of dout.
    /// - Complexity: two matrix products of the forward's size, and O(rows × outputs).
    @inlinable
    public static func backward<T: Scalar>(dinp: UnsafeMutablePointer<T>?, dweight: UnsafeMutablePointer<T>, dbias: UnsafeMutablePointer<T>?,
                                           dout: UnsafePointer<T>, inp: UnsafePointer<T>, weight: UnsafePointer<T>,
                                           rows: Int, inputs: Int, outputs: Int) {
        if let dinp {
            T.gemm(transposeA: false, transposeB: true, m: rows, n: inputs, k: outputs, alpha: 1,
                   a: dout, lda: outputs, b: weight, ldb: outputs, beta: 1, c: dinp, ldc: inputs)
        }
        T.gemm(transposeA: true, transposeB: false, m: inputs, n: outputs, k: rows, alpha: 1,
               a: inp, lda: inputs, b: dout, ldb: outputs, beta: 1, c: dweight, ldc: outputs)
        if let dbias { addColumnSums(dbias, dout, rows: rows, columns: outputs) }
    }

    /// sums[j] += Σₙ matrix[n, j], each column summed in row order (deterministic).
    @inlinable
    public static func addColumnSums<T: Scalar>(_ sums: UnsafeMutablePointer<T>, _ matrix: UnsafePointer<T>, rows: Int, columns: Int) {
        Parallel.forEach(columns, grain: 64) { range in
            for n in 0..<rows {
                let row = matrix + n * columns
                for j in range { sums[j] += row[j] }
            }
        }
    }
}
