import Foundation

/// Student's t distribution: its distribution function and quantiles, for intervals over a few
/// seeds (where a normal quantile would understate the uncertainty).
public enum StudentT {
    /// P(T ≤ t) with `degreesOfFreedom` ν > 0, from the regularized incomplete beta function:
    /// for t ≥ 0, 1 − ½ I_{ν/(ν+t²)}(ν/2, ½).
    public static func cumulativeProbability(_ t: Double, degreesOfFreedom: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 1 : 0 }
        let tail = 0.5 * regularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), a: degreesOfFreedom / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The t with P(T ≤ t) = `probability`, found by bisection to 1e-12.
    /// - Complexity: about 60 evaluations of the distribution function.
    public static func quantile(_ probability: Double, degreesOfFreedom: Double) -> Double {
        precondition(probability > 0 && probability < 1 && degreesOfFreedom > 0)
        if probability < 0.5 { return -quantile(1 - probability, degreesOfFreedom: degreesOfFreedom) }
        var (low, high) = (0.0, 1.0)
        while cumulativeProbability(high, degreesOfFreedom: degreesOfFreedom) < probability { high *= 2 }
        while high - low > 1e-12 * max(1, high) {
            let middle = (low + high) / 2
            if cumulativeProbability(middle, degreesOfFreedom: degreesOfFreedom) < probability { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// I_x(a, b) by its continued fraction (modified Lentz), on the side where it converges fast.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        guard x > 0 else { return 0 }
        guard x < 1 else { return 1 }
        let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let front = exp(logBeta + a * log(x) + b * log(1 - x))
        if x > (a + 1) / (a + b + 2) { return 1 - front * continuedFraction(1 - x, a: b, b: a) / b }
        return front * continuedFraction(x, a: a, b: b) / a
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        d = 1 / (abs(d) < tiny ? tiny : d)
        var result = d
        for m in 1...300 {
            let m = Double(m)
            let even: Double = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            let odd: Double = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            for numerator in [even, odd] {
                d = 1 + numerator * d
                d = 1 / (abs(d) < tiny ? tiny : d)
                c = 1 + numerator / c
                if abs(c) < tiny { c = tiny }
                result *= c * d
            }
            if abs(c * d - 1) < 1e-15 { break }
        }
        return result
    }
}
