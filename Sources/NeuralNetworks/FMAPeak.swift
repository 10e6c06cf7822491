import Dispatch
import Foundation

/// The fused multiply-add peak of the cores: a loop of independent vector FMAs on registers
/// alone (no loads, no stores), the most floating-point work per second the cores can do, so a
/// matrix product's rate reads as a share of what the machine could give it.
public enum FMAPeak {
    /// Floating-point operations per second (an FMA counts two) that `threads` threads reach at
    /// once, the best of `repeats` rounds of about `seconds` each.
    /// - Complexity: O(threads × seconds) of work, by design.
    public static func flops(threads: Int, repeats: Int = 3, seconds: Double = 0.2) -> Double {
        // Calibrate the count of iterations on one thread so a round lasts about `seconds`.
        var iterations = 1 << 16
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = spin(iterations, seed: 1)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            if elapsed >= seconds / 4 || iterations >= 1 << 34 {
                iterations = max(1, Int(Double(iterations) * seconds / max(elapsed, 1e-9)))
                break
            }
            iterations *= 4
        }
        let count = iterations
        var best = 0.0
        for round in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: max(1, threads)) { thread in
                // The result feeds nothing but a branch that never runs, so the loop is kept.
                if spin(count, seed: Float(round + thread + 1)) == .infinity { print("") }
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            best = max(best, Double(max(1, threads) * count * flopsPerIteration) / elapsed)
        }
        return best
    }

    /// Twelve chains of 16-wide FMAs: enough independent chains to cover an FMA's latency on
    /// two pipes.
    static let flopsPerIteration = 12 * 16 * 2

    @inline(never)
    static func spin(_ count: Int, seed: Float) -> Float {
        let x = SIMD16<Float>(repeating: 0.999_999), y = SIMD16<Float>(repeating: 1e-7 * seed)
        var a = (SIMD16<Float>(repeating: seed), SIMD16<Float>(repeating: seed + 1), SIMD16<Float>(repeating: seed + 2),
                 SIMD16<Float>(repeating: seed + 3), SIMD16<Float>(repeating: seed + 4), SIMD16<Float>(repeating: seed + 5))
        var b = (SIMD16<Float>(repeating: seed + 6), SIMD16<Float>(repeating: seed + 7), SIMD16<Float>(repeating: seed + 8),
                 SIMD16<Float>(repeating: seed + 9), SIMD16<Float>(repeating: seed + 10), SIMD16<Float>(repeating: seed + 11))
        for _ in 0..<count {
            a.0 = y.addingProduct(a.0, x); a.1 = y.addingProduct(a.1, x); a.2 = y.addingProduct(a.2, x)
            a.3 = y.addingProduct(a.3, x); a.4 = y.addingProduct(a.4, x); a.5 = y.addingProduct(a.5, x)
            b.0 = y.addingProduct(b.0, x); b.1 = y.addingProduct(b.1, x); b.2 = y.addingProduct(b.2, x)
            b.3 = y.addingProduct(b.3, x); b.4 = y.addingProduct(b.4, x); b.5 = y.addingProduct(b.5, x)
        }
        let sum = a.0 + a.1 + a.2 + a.3 + a.4 + a.5 + b.0 + b.1 + b.2 + b.3 + b.4 + b.5
        return sum.sum()
    }
}
