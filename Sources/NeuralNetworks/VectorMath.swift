/// Elementwise exponentials over a row, the inner loop of every softmax: vectorized for
/// `Float` (16 lanes, Cephes' polynomial, within 2 ulp of `expf` on the range softmax uses),
/// plain for `Double`.
public protocol VectorExponential {
    /// x[i] ← exp(x[i] − shift) for i < count; returns their sum.
    static func exponentiate(_ x: UnsafeMutablePointer<Self>, count: Int, shift: Self) -> Self
    /// Σ exp(x[i] − shift) for i < count, leaving x as it is.
    static func sumOfExponentials(_ x: UnsafePointer<Self>, count: Int, shift: Self) -> Self
    /// The largest of x[0..<count].
    static func maximum(_ x: UnsafePointer<Self>, count: Int) -> Self
}

extension Float: VectorExponential {
    @inlinable
    public static func exponentiate(_ x: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        var sums = SIMD16<Float>(repeating: 0)
        var index = 0
        let raw = UnsafeMutableRawPointer(x)
        while index + 16 <= count {
            let value = exp16(raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self) - shift)
            raw.storeBytes(of: value, toByteOffset: index * 4, as: SIMD16<Float>.self)
            sums += value
            index += 16
        }
        var total = sums.sum()
        while index < count {
            x[index] = exp(x[index] - shift)
            total += x[index]
            index += 1
        }
        return total
    }

    @inlinable
    public static func sumOfExponentials(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> Float {
        var sums = SIMD16<Float>(repeating: 0)
        var index = 0
        let raw = UnsafeRawPointer(x)
        while index + 16 <= count {
            sums += exp16(raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self) - shift)
            index += 16
        }
        var total = sums.sum()
        while index < count {
            total += exp(x[index] - shift)
            index += 1
        }
        return total
    }

    @inlinable
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var best = SIMD16<Float>(repeating: -.infinity)
        var index = 0
        let raw = UnsafeRawPointer(x)
        while index + 16 <= count {
            best = pointwiseMax(best, raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self))
            index += 16
        }
        var result = best.max()
        while index < count {
            result = Swift.max(result, x[index])
            index += 1
        }
        return result
    }
}

extension Double: VectorExponential {
    @inlinable
    public static func exponentiate(_ x: UnsafeMutablePointer<Double>, count: Int, shift: Double) -> Double {
        var total = 0.0
        for index in 0..<count {
            x[index] = exp(x[index] - shift)
            total += x[index]
        }
        return total
    }

    @inlinable
    public static func sumOfExponentials(_ x: UnsafePointer<Double>, count: Int, shift: Double) -> Double {
        var total = 0.0
        for index in 0..<count { total += exp(x[index] - shift) }
        return total
    }

    @inlinable
    public static func maximum(_ x: UnsafePointer<Double>, count: Int) -> Double {
        var result = -Double.infinity
        for index in 0..<count { result = Swift.max(result, x[index]) }
        return result
    }
}

/// e^x in 16 lanes (Cephes `expf`): x = n·ln 2 + r with |r| ≤ ln 2 / 2, a degree-6 polynomial
/// for e^r, and 2^n built in the exponent bits. Inputs below −87.3 give about 1e-38 (not 0).
@inlinable @inline(__always)
func exp16(_ input: SIMD16<Float>) -> SIMD16<Float> {
    var x = input.clamped(lowerBound: SIMD16(repeating: -87.33654), upperBound: SIMD16(repeating: 88.72283))
    let n = (x * 1.442_695_040_888_963_4).rounded(.toNearestOrEven)
    x = x - n * 0.693_359_375
    x = x + n * 2.121_944_4e-4
    let z = x * x
    var y = SIMD16<Float>(repeating: 1.987_569_150_0e-4)
    y = y * x + 1.398_199_950_7e-3
    y = y * x + 8.333_451_907_3e-3
    y = y * x + 4.166_579_589_4e-2
    y = y * x + 1.666_666_545_9e-1
    y = y * x + 5.000_000_120_1e-1
    y = y * z + x + 1
    let exponent = (SIMD16<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
    return y * unsafeBitCast(exponent, to: SIMD16<Float>.self)
}
