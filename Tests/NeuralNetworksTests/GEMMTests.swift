import Testing
@testable import NeuralNetworks

/// `gemm` cuts a product by its shape alone: the same bits at every thread count, and the
/// plain triple loop's values.
@Suite(.serialized) struct GEMMTests {
    struct Shape: CustomStringConvertible, Sendable {
        var m, n, k: Int
        var transposeA, transposeB: Bool
        var description: String { "\(m)×\(n)×\(k)\(transposeA ? " Aᵀ" : "")\(transposeB ? " Bᵀ" : "")" }
    }

    static let shapes = [
        Shape(m: 80, n: 4_099, k: 128, transposeA: false, transposeB: true),   // split by columns, B transposed
        Shape(m: 2_048, n: 384, k: 128, transposeA: false, transposeB: false), // split by rows
        Shape(m: 128, n: 384, k: 2_048, transposeA: true, transposeB: false),  // split by columns, A transposed
        Shape(m: 1_000, n: 70, k: 300, transposeA: true, transposeB: true),    // split by rows, both transposed
        Shape(m: 12, n: 96, k: 32, transposeA: false, transposeB: false),      // one piece
    ]

    @Test(arguments: shapes)
    func productsAreTheSameAtEveryThreadCountAndEqualThePlainLoop(shape: Shape) {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        var state: UInt64 = 11
        func random() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        let a = TensorBuffer<Float>(count: m * k), b = TensorBuffer<Float>(count: k * n), initial = TensorBuffer<Float>(count: m * n)
        for i in 0..<a.count { a[i] = random() }
        for i in 0..<b.count { b[i] = random() }
        for i in 0..<initial.count { initial[i] = random() }
        let (lda, ldb) = (shape.transposeA ? m : k, shape.transposeB ? k : n)
        func product(threads: Int) -> [Float] {
            let saved = Parallel.threads
            Parallel.threads = threads
            defer { Parallel.threads = saved }
            let c = initial.copy()
            Float.gemm(transposeA: shape.transposeA, transposeB: shape.transposeB, m: m, n: n, k: k, alpha: 0.5, a: a.pointer, lda: lda,
                       b: b.pointer, ldb: ldb, beta: 2, c: c.pointer, ldc: n)
            return Array(UnsafeBufferPointer(start: c.pointer, count: c.count))
        }
        let one = product(threads: 1)
        #expect(product(threads: 2) == one)
        #expect(product(threads: 3) == one)
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = shape.transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = shape.transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                worst = max(worst, abs(0.5 * sum + 2 * Double(initial[i * n + j]) - Double(one[i * n + j])))
            }
        }
        #expect(worst < 1e-4, "largest difference \(worst)")
        #expect(GEMMSplit.pieces(m: m, n: n, k: k) > 1 || m * n * k < 1 << 22)
    }
}
