import Testing
@testable import NeuralNetworks

/// The register-tiled products against the plain triple loop, with A as a matrix or its
/// transpose, B row-major or in packed panels, edge rows and columns, and both vector widths.
@Suite struct TiledProductTests {
    struct Case: CustomStringConvertible, Sendable {
        var m, n, k: Int
        var transposedA: Bool
        var packedB: Bool
        var accumulate: Bool
        var description: String {
            "\(m)×\(n)×\(k)\(transposedA ? " Aᵀ" : "")\(packedB ? " panels" : "")\(accumulate ? " +=" : "")"
        }
    }

    static let cases = [
        Case(m: 256, n: 1_024, k: 128, transposedA: false, packedB: true, accumulate: false),   // the head's forward piece
        Case(m: 83, n: 1_037, k: 64, transposedA: false, packedB: true, accumulate: true),     // decoding rows, a ragged last panel
        Case(m: 257, n: 128, k: 1_024, transposedA: false, packedB: false, accumulate: true),  // dx: dlogits · W
        Case(m: 1_021, n: 48, k: 256, transposedA: true, packedB: false, accumulate: true),    // dW += dlogitsᵀ · x, ragged columns
        Case(m: 3, n: 5, k: 7, transposedA: true, packedB: false, accumulate: false),          // smaller than one tile
    ]

    static func random(_ state: inout UInt64) -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 40) / Double(1 << 24) - 0.5
    }

    /// C (+)= A · B by `TiledProduct` with vectors `V`, and the largest difference from the plain loop.
    func worstDifference<T: Scalar, V: SIMD>(_ test: Case, _: T.Type, _: V.Type) -> Double where V.Scalar == T {
        let (m, n, k) = (test.m, test.n, test.k)
        var state: UInt64 = 5
        let a = TensorBuffer<T>(count: m * k), weight = TensorBuffer<T>(count: n * k), c = TensorBuffer<T>(count: m * n)
        for i in 0..<a.count { a[i] = T(Self.random(&state)) }
        for i in 0..<weight.count { weight[i] = T(Self.random(&state)) }
        for i in 0..<c.count { c[i] = T(Self.random(&state)) }
        let initial = c.copy()
        // B [k × n] row-major; `weight` is its transpose [n × k], what panels are packed from.
        let b = TensorBuffer<T>(count: k * n)
        for j in 0..<n { for p in 0..<k { b[p * n + j] = weight[j * k + p] } }
        let (rowStride, depthStride) = test.transposedA ? (1, m) : (k, 1)
        let right: TiledProduct.Right<T>
        let panels = PackedPanels<T>(columns: n, depth: k, width: 2 * V.scalarCount)
        if test.packedB {
            panels.pack(transposing: weight.pointer)
            right = .panels(panels, firstColumn: 0)
        } else {
            right = .rowMajor(b.pointer, stride: n)
        }
        TiledProduct.multiply(V.self, m: m, n: n, k: k, a: a.pointer, rowStride: rowStride, depthStride: depthStride, b: right,
                              c: c.pointer, ldc: n, accumulate: test.accumulate)
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = test.accumulate ? Double(initial[i * n + j]) : 0
                for p in 0..<k { sum += Double(a[i * rowStride + p * depthStride]) * Double(b[p * n + j]) }
                worst = max(worst, abs(Double(c[i * n + j]) - sum))
            }
        }
        return worst
    }

    @Test(arguments: cases)
    func floatProductsEqualThePlainLoopAtBothVectorWidths(test: Case) {
        let tolerance = 1e-6 * Double(test.k)
        #expect(worstDifference(test, Float.self, SIMD16<Float>.self) < tolerance)
        #expect(worstDifference(test, Float.self, SIMD8<Float>.self) < tolerance)
    }

    @Test(arguments: cases)
    func doubleProductsEqualThePlainLoopAtBothVectorWidths(test: Case) {
        #expect(worstDifference(test, Double.self, SIMD8<Double>.self) < 1e-12)
        #expect(worstDifference(test, Double.self, SIMD4<Double>.self) < 1e-12)
    }
}
