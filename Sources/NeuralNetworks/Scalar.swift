import COpenBLAS
import Foundation
import Synchronization

/// The number types the layers compute in: `Float` for training and inference, `Double` for
/// gradient checks, each with its BLAS matrix product and elementary functions.
public protocol Scalar: BinaryFloatingPoint, Sendable, VectorExponential {
    /// C = alpha · op(A) · op(B) + beta · C, row-major (BLAS `gemm`), where op transposes when
    /// asked; A is m×k after op, B is k×n after op, C is m×n.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
}

extension Float: Scalar {
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    @inlinable public static func log(_ x: Float) -> Float { Foundation.log(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double: Scalar {
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
}

/// The BLAS library's own threads.
public enum BLAS {
    /// OpenBLAS's own default (the core count, or OPENBLAS_NUM_THREADS) until set.
    private static let configured = Atomic<Int>(Int(openblas_get_num_threads()))

    /// Threads OpenBLAS uses for each product (results are reproducible at a fixed count).
    public static func setThreads(_ count: Int) {
        configured.store(max(1, count), ordering: .relaxed)
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// Runs `body` with OpenBLAS on the calling thread only (for products that the caller runs
    /// side by side on several threads itself), then restores the configured count.
    public static func singleThreaded<Result>(_ body: () throws -> Result) rethrows -> Result {
        openblas_set_num_threads(1)
        defer {
            let count = configured.load(ordering: .relaxed)
            if count > 1 { openblas_set_num_threads(Int32(count)) }
        }
        return try body()
    }

    /// The kernel family OpenBLAS chose for this CPU, e.g. "Cooperlake" or "Zen".
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }
}
