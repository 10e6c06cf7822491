/// The elements of a `count`-element tensor a gradient check probes: all of a small one, else
/// `samples` spread over it, each nudged by up to `jitter` − 1 so they do not fall on one stride.
public func probedIndices(count: Int, samples: Int, jitter: Int) -> [Int] {
    count <= samples ? Array(0..<count) : (0..<samples).map { $0 * count / samples + $0 % jitter }
}

/// The largest difference between the analytic gradients at `indices` and central differences
/// of `loss` there (each parameter restored afterwards), relative to the pair's size, or to
/// `floor` for smaller pairs: below it the differences are mostly the finite differences'
/// rounding, not the derivative's error.
public func worstGradientDifference(at indices: [Int], parameters: UnsafeMutablePointer<Double>, gradients: UnsafePointer<Double>,
                                    step: Double, floor: Double, loss: () -> Double) -> Double {
    var worst = 0.0
    for index in indices {
        let saved = parameters[index]
        parameters[index] = saved + step
        let up = loss()
        parameters[index] = saved - step
        let down = loss()
        parameters[index] = saved
        let numeric = (up - down) / (2 * step), analytic = gradients[index]
        worst = max(worst, abs(numeric - analytic) / max(floor, abs(numeric) + abs(analytic)))
    }
    return worst
}
