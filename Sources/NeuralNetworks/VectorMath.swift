/// Elementwise exponentials over a row, the inner loop of every softmax: vectorized for
/// `Float` (16 lanes, Cephes' polynomial, within 2 ulp of `expf` on the range softmax uses),
/// plain for `Double`.
public protocol VectorExponential {
    /// x[i] ← exp(x[i] − shift) for i < count; returns their sum.
    static func exponentiate(_ x: UnsafeMutablePointer<Self>, count: Int, shift: Self) -> Self
    /// Σ exp(x[i] − shift) for i < count, leaving x as it is; each term also written to
    /// `kept[i]` when it is given.
    static func sumOfExponentials(_ x: UnsafePointer<Self>, count: Int, shift: Self, keepingIn kept: UnsafeMutablePointer<Self>?) -> Self
    /// `sumOfExponentials` and `maximum` in one pass (a shift below the maximum by less than
    /// about 80 keeps every term finite).
    static func sumOfExponentialsAndMaximum(_ x: UnsafePointer<Self>, count: Int, shift: Self,
                                            keepingIn kept: UnsafeMutablePointer<Self>?) -> (sum: Self, maximum: Self)
    /// The largest of x[0..<count].
    static func maximum(_ x: UnsafePointer<Self>, count: Int) -> Self
    /// x[i] ← tanh(x[i]) for i < count.
    static func hyperbolicTangent(_ x: UnsafeMutablePointer<Self>, count: Int)
    /// Σ a[i]·b[i] for i < count.
    static func dot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int) -> Self
}

extension Float: VectorExponential {
    @inlinable
    public static func exponentiate(_ x: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        foldExponentials(x, count: count, shift: shift, keepingIn: x, tracksMaximum: false).sum
    }

    @inlinable
    public static func sumOfExponentials(_ x: UnsafePointer<Float>, count: Int, shift: Float, keepingIn kept: UnsafeMutablePointer<Float>?) -> Float {
        foldExponentials(x, count: count, shift: shift, keepingIn: kept, tracksMaximum: false).sum
    }

    @inlinable
    public static func sumOfExponentialsAndMaximum(_ x: UnsafePointer<Float>, count: Int, shift: Float,
                                                   keepingIn kept: UnsafeMutablePointer<Float>?) -> (sum: Float, maximum: Float) {
        foldExponentials(x, count: count, shift: shift, keepingIn: kept, tracksMaximum: true)
    }

    /// Both folds in one body; inlined where the arguments are constant, so each caller gets
    /// a loop with only the work it asked for.
    @inlinable @inline(__always)
    static func foldExponentials(_ x: UnsafePointer<Float>, count: Int, shift: Float, keepingIn kept: UnsafeMutablePointer<Float>?,
                                 tracksMaximum: Bool) -> (sum: Float, maximum: Float) {
        var sums = SIMD16<Float>(repeating: 0), best = SIMD16<Float>(repeating: -.infinity)
        var index = 0
        let raw = UnsafeRawPointer(x), output = kept.map(UnsafeMutableRawPointer.init)
        while index + 16 <= count {
            let value = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            if tracksMaximum { best.replace(with: value, where: value .> best) }
            let term = exp16(value - shift)
            output?.storeBytes(of: term, toByteOffset: index * 4, as: SIMD16<Float>.self)
            sums += term
            index += 16
        }
        var (total, largest) = (sums.sum(), tracksMaximum ? best.max() : -.infinity)
        while index < count {
            let value = x[index], term = exp(value - shift)
            kept?[index] = term
            total += term
            if tracksMaximum { largest = Swift.max(largest, value) }
            index += 1
        }
        return (total, largest)
    }

    @inlinable
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var best = SIMD16<Float>(repeating: -.infinity)
        var index = 0
        let raw = UnsafeRawPointer(x)
        while index + 16 <= count {
            let value = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            best.replace(with: value, where: value .> best)
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

extension Float {
    /// tanh through e^(2x): 1 − 2 / (e^(2x) + 1), within a few ulp of `tanhf` (the absolute error
    /// near 0 is below 1e-7, where tanh x ≈ x).
    @inlinable
    public static func hyperbolicTangent(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var index = 0
        let raw = UnsafeMutableRawPointer(x)
        while index + 16 <= count {
            let value = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            let result = 1 - 2 / (exp16(value + value) + 1)
            raw.storeBytes(of: result, toByteOffset: index * 4, as: SIMD16<Float>.self)
            index += 16
        }
        while index < count {
            x[index] = tanh(x[index])
            index += 1
        }
    }
}

extension Float {
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sums = SIMD16<Float>(repeating: 0)
        var index = 0
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        while index + 16 <= count {
            sums += x.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self) * y.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            index += 16
        }
        var total = sums.sum()
        while index < count {
            total += a[index] * b[index]
            index += 1
        }
        return total
    }
}

extension Double: VectorExponential {
    @inlinable
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var total = 0.0
        for index in 0..<count { total += a[index] * b[index] }
        return total
    }

    @inlinable
    public static func hyperbolicTangent(_ x: UnsafeMutablePointer<Double>, count: Int) {
        for index in 0..<count { x[index] = tanh(x[index]) }
    }

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
    public static func sumOfExponentialsAndMaximum(_ x: UnsafePointer<Double>, count: Int, shift: Double,
                                                   keepingIn kept: UnsafeMutablePointer<Double>?) -> (sum: Double, maximum: Double) {
        (sumOfExponentials(x, count: count, shift: shift, keepingIn: kept), maximum(x, count: count))
    }

    @inlinable
    public static func sumOfExponentials(_ x: UnsafePointer<Double>, count: Int, shift: Double, keepingIn kept: UnsafeMutablePointer<Double>?) -> Double {
        var total = 0.0
        for index in 0..<count {
            let term = exp(x[index] - shift)
            kept?[index] = term
            total += term
        }
        return total
    }

    @inlinable
    public static func maximum(_ x: UnsafePointer<Double>, count: Int) -> Double {
        var result = -Double.infinity
        for index in 0..<count { result = Swift.max(result, x[index]) }
        return result
    }
}

extension VectorExponential {
    /// Σ exp(x[i] − shift) for i < count, leaving x as it is.
    @inlinable
    public static func sumOfExponentials(_ x: UnsafePointer<Self>, count: Int, shift: Self) -> Self {
        sumOfExponentials(x, count: count, shift: shift, keepingIn: nil)
    }
}

/// e^x in 16 lanes (Cephes `expf`): x = n·ln 2 + r with |r| ≤ ln 2 / 2, a degree-6 polynomial
/// for e^r, and 2^n built in the exponent bits. Inputs below −87.3 give about 1e-38 (not 0).
/// Every step is a plain lane-wise operation (compare-and-select, fused multiply-add, bit shifts):
/// SIMD's `rounded` and integer conversions are not vectorized.
@inlinable @inline(__always)
func exp16(_ input: SIMD16<Float>) -> SIMD16<Float> {
    var x = input
    x.replace(with: -87.33654, where: x .< -87.33654)
    x.replace(with: 88.72283, where: x .> 88.72283)
    // Adding 1.5·2²³ rounds x·log₂e to the nearest integer n and leaves n in the low mantissa bits.
    let magic = SIMD16<Float>(repeating: 12_582_912)
    let shifted = (x * 1.442_695_040_888_963_4) + magic
    let n = shifted - magic
    x = x.addingProduct(n, SIMD16(repeating: -0.693_359_375))
    x = x.addingProduct(n, SIMD16(repeating: 2.121_944_4e-4))
    let z = x * x
    var y = SIMD16<Float>(repeating: 1.987_569_150_0e-4)
    y = SIMD16(repeating: 1.398_199_950_7e-3).addingProduct(y, x)
    y = SIMD16(repeating: 8.333_451_907_3e-3).addingProduct(y, x)
    y = SIMD16(repeating: 4.166_579_589_4e-2).addingProduct(y, x)
    y = SIMD16(repeating: 1.666_666_545_9e-1).addingProduct(y, x)
    y = SIMD16(repeating: 5.000_000_120_1e-1).addingProduct(y, x)
    y = (x + 1).addingProduct(y, z)
    let exponent = ((unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000) &+ 127) &<< 23
    return y * unsafeBitCast(exponent, to: SIMD16<Float>.self)
}
