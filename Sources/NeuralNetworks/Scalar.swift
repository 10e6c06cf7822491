import COpenBLAS
import Foundation

/// The number types the layers compute in: `Float` for training and inference, `Double` for
/// gradient checks, each with its BLAS matrix product and elementary functions.
public protocol Scalar: BinaryFloatingPoint, Sendable, VectorExponential {
    /// The vector `TiledProduct` uses with AVX-512 (64 bytes), and without it (32 bytes).
    associatedtype WideVector: SIMD where WideVector.Scalar == Self
    associatedtype NarrowVector: SIMD where NarrowVector.Scalar == Self
    /// `TiledProduct.multiply` with `WideVector`s or `NarrowVector`s, compiled for this type
    /// and vector (called from generic code, the kernels would not be specialized).
    static func tiledProduct(wide: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, rowStride: Int, depthStride: Int,
                             b: TiledProduct.Right<Self>, c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)
    /// C = alpha · op(A) · op(B) + beta · C, row-major (BLAS `gemm`), where op transposes when
    /// asked; A is m×k after op, B is k×n after op, C is m×n: one BLAS call on the calling
    /// thread (for callers that spread their own products over the cores).
    static func serialGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                           a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                           beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
}

extension Float: Scalar {
    public typealias WideVector = SIMD16<Float>
    public typealias NarrowVector = SIMD8<Float>
    public static func tiledProduct(wide: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
                                    b: TiledProduct.Right<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        TiledProduct.multiply(wide ? SIMD16<Float>.self : nil, else: SIMD8<Float>.self, m: m, n: n, k: k, a: a, rowStride: rowStride,
                              depthStride: depthStride, b: b, c: c, ldc: ldc, accumulate: accumulate)
    }
    @inlinable
    public static func serialGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        OpenBLASLibrary.shared.sgemm(BLAS.rowMajor, BLAS.operation(transposeA), BLAS.operation(transposeB),
                                     Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    @inlinable public static func log(_ x: Float) -> Float { Foundation.log(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double: Scalar {
    public typealias WideVector = SIMD8<Double>
    public typealias NarrowVector = SIMD4<Double>
    public static func tiledProduct(wide: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Double>, rowStride: Int, depthStride: Int,
                                    b: TiledProduct.Right<Double>, c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        TiledProduct.multiply(wide ? SIMD8<Double>.self : nil, else: SIMD4<Double>.self, m: m, n: n, k: k, a: a, rowStride: rowStride,
                              depthStride: depthStride, b: b, c: c, ldc: ldc, accumulate: accumulate)
    }
    @inlinable
    public static func serialGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                                  a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                                  beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        OpenBLASLibrary.shared.dgemm(BLAS.rowMajor, BLAS.operation(transposeA), BLAS.operation(transposeB),
                                     Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
}

/// The BLAS library, used one call per thread.
///
/// OpenBLAS splits a product over its own threads differently for each thread count, and its
/// results differ with the split (in the last bits, for most shapes measured here). So it
/// always runs on the calling thread, and `gemm` splits a product itself, by its shape alone:
/// every result is the same whatever the thread count.
public enum BLAS {
    @usableFromInline static let rowMajor = Int32(CollapseCBLASRowMajor)

    @usableFromInline static func operation(_ transpose: Bool) -> Int32 {
        Int32(transpose ? CollapseCBLASTrans : CollapseCBLASNoTrans)
    }

    /// Runs `body` with OpenBLAS splitting each product over `threads` threads of its own (for
    /// benchmarks that measure OpenBLAS's best rate), then back to the calling thread only.
    public static func withOwnThreads<Result>(_ threads: Int, _ body: () throws -> Result) rethrows -> Result {
        let library = OpenBLASLibrary.shared
        library.setThreads(Int32(max(1, threads)))
        defer { library.setThreads(1) }
        return try body()
    }

    /// The kernel family OpenBLAS chose for this CPU, e.g. "Cooperlake" or "Zen" (opening
    /// the library if no product has yet).
    public static var coreName: String {
        OpenBLASLibrary.shared.coreName().map { String(cString: $0) } ?? "unknown"
    }
}

extension Scalar {
    /// C = alpha · op(A) · op(B) + beta · C (see `serialGemm`), split into blocks of C's rows
    /// or columns whose bounds depend only on m, n and k, the blocks spread over
    /// `Parallel.threads`: the result is the same at every thread count.
    /// - Complexity: O(m × n × k).
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                            a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                            beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) {
        let splitColumns = n >= m
        let pieces = GEMMSplit.pieces(m: m, n: n, k: k)
        guard pieces > 1 else {
            serialGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                       b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let extent = splitColumns ? n : m
        let size = ((extent + pieces - 1) / pieces + 15) / 16 * 16
        let used = (extent + size - 1) / size
        Parallel.forEachChunk(used, chunks: used) { range in
            for piece in range {
                let start = piece * size, count = min(size, extent - start)
                if splitColumns {
                    serialGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: count, k: k, alpha: alpha, a: a, lda: lda,
                               b: b + (transposeB ? start * ldb : start), ldb: ldb, beta: beta, c: c + start, ldc: ldc)
                } else {
                    serialGemm(transposeA: transposeA, transposeB: transposeB, m: count, n: n, k: k, alpha: alpha,
                               a: a + (transposeA ? start : start * lda), lda: lda, b: b, ldb: ldb, beta: beta,
                               c: c + start * ldc, ldc: ldc)
                }
            }
        }
    }
}

/// How `gemm` cuts a product: along C's longer side, into at most `maximumPieces` pieces of at
/// least 2²¹ multiply-adds and 64 rows or columns each. Each piece packs the whole of the
/// operand it shares with the others, so few pieces (enough for the cores this tool targets)
/// waste least.
public enum GEMMSplit {
    public static let maximumPieces = 4

    @inlinable
    public static func pieces(m: Int, n: Int, k: Int) -> Int {
        let work = m * n * k
        return max(1, min(maximumPieces, work >> 21, max(m, n) / 64))
    }
}
