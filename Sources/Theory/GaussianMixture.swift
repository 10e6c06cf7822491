import Foundation
import Storage

/// A one-dimensional Gaussian mixture: weights, means and standard deviations per component.
public struct GaussianMixture: Sendable, Codable, Equatable {
    public var weights: [Double]
    public var means: [Double]
    public var deviations: [Double]

    public init(weights: [Double], means: [Double], deviations: [Double]) {
        self.weights = weights
        self.means = means
        self.deviations = deviations
    }

    static let normalization = 1 / (2 * Double.pi).squareRoot()

    /// The density at x.
    public func density(_ x: Double) -> Double {
        var total = 0.0
        for c in weights.indices {
            let z = (x - means[c]) / deviations[c]
            total += weights[c] * Self.normalization / deviations[c] * exp(-0.5 * z * z)
        }
        return total
    }

    /// `count` samples: a component by weight, then a normal draw from it.
    func sample(_ count: Int, normal: inout NormalSampler) -> [Double] {
        (0..<count).map { _ in
            var u = normal.random.unitInterval(), component = 0
            while component < weights.count - 1 && u >= weights[component] {
                u -= weights[component]
                component += 1
            }
            return means[component] + deviations[component] * normal.next()
        }
    }

    /// ∫ (f − g)² dx by the trapezoid rule on `points` points over `range`.
    /// - Complexity: O(points × components).
    public func squaredL2Distance(to other: GaussianMixture, over range: ClosedRange<Double>, points: Int = 2_001) -> Double {
        let step = (range.upperBound - range.lowerBound) / Double(points - 1)
        var total = 0.0
        for i in 0..<points {
            let x = range.lowerBound + Double(i) * step
            let difference = density(x) - other.density(x)
            total += (i == 0 || i == points - 1 ? 0.5 : 1) * difference * difference
        }
        return total * step
    }

    /// Expectation–maximization from `start` until the mean log-likelihood gains less than 1e-10
    /// or after `iterations` rounds. Deviations are kept above a floor so that a component that
    /// settles on one repeated value does not make the likelihood infinite.
    /// - Complexity: O(iterations × samples × components).
    static func fit(_ data: [Double], start: GaussianMixture, iterations: Int = 500) -> GaussianMixture {
        var mixture = start
        let k = start.weights.count, n = Double(data.count)
        var responsibilities = [Double](repeating: 0, count: data.count * k)
        var previous = -Double.infinity
        for _ in 0..<iterations {
            var logLikelihood = 0.0
            for (i, x) in data.enumerated() {
                var total = 0.0
                for c in 0..<k {
                    let z = (x - mixture.means[c]) / mixture.deviations[c]
                    let value = mixture.weights[c] * normalization / mixture.deviations[c] * exp(-0.5 * z * z)
                    responsibilities[i * k + c] = value
                    total += value
                }
                total = max(total, .leastNormalMagnitude)
                logLikelihood += log(total)
                for c in 0..<k { responsibilities[i * k + c] /= total }
            }
            for c in 0..<k {
                var (weight, sum) = (0.0, 0.0)
                for (i, x) in data.enumerated() { weight += responsibilities[i * k + c]; sum += responsibilities[i * k + c] * x }
                let mean = weight > 0 ? sum / weight : mixture.means[c]
                var squares = 0.0
                for (i, x) in data.enumerated() { squares += responsibilities[i * k + c] * (x - mean) * (x - mean) }
                mixture.weights[c] = weight / n
                mixture.means[c] = mean
                mixture.deviations[c] = max(weight > 0 ? (squares / weight).squareRoot() : mixture.deviations[c], 1e-3)
            }
            if logLikelihood / n - previous < 1e-10 { break }
            previous = logLikelihood / n
        }
        return mixture
    }

    /// A first guess for EM: components at evenly spaced quantiles of the data, each with the
    /// data's deviation ÷ components and equal weight.
    static func initialGuess(for data: [Double], components: Int) -> GaussianMixture {
        let sorted = data.sorted()
        let variance = GaussianExperiment.fit(data).variance
        let means = (0..<components).map { sorted[min(sorted.count - 1, (2 * $0 + 1) * sorted.count / (2 * components))] }
        return GaussianMixture(weights: Array(repeating: 1 / Double(components), count: components), means: means,
                               deviations: Array(repeating: max(variance.squareRoot() / Double(components), 1e-3), count: components))
    }
}
