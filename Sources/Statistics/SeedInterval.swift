import Foundation

/// Intervals from one value per seed: Student's t on the metric's averaging scale, so that a
/// mean over few seeds carries the uncertainty of few seeds (t₀.₉₇₅ is 12.7 for two seeds,
/// 4.3 for three).
public enum SeedInterval {
    /// The 95 % t-interval of the mean of `values` (one per seed).
    public static func mean(_ values: [Double], scale: MetricScale) -> Interval {
        let estimate = scale.mean(values)
        guard values.count > 1 else { return .unavailable(estimate, because: values.isEmpty ? "no seeds" : "one seed, and a whole-corpus measure") }
        let transformed = values.map(scale.transformed)
        let center = Descriptive.mean(transformed)
        let half = StudentT.quantile(0.975, degreesOfFreedom: Double(values.count - 1))
            * Descriptive.standardDeviation(transformed) / Double(values.count).squareRoot()
        return Interval(estimate: estimate, low: scale.restored(center - half), high: scale.restored(center + half),
                        std: Descriptive.standardDeviation(values), method: "t over \(values.count) seeds")
    }

    /// A mean on a metric's averaging scale and the variance of its estimate, as a sum of
    /// independent parts (between seeds, over test blocks, …), each with the degrees of freedom
    /// it rests on; a t-interval from them uses Welch–Satterthwaite's degrees of freedom.
    public struct MeanEstimate: Sendable {
        public var center: Double
        public var parts: [(variance: Double, freedom: Double)]

        public init(center: Double, parts: [(variance: Double, freedom: Double)]) {
            self.center = center
            self.parts = parts
        }

        /// From one value per seed (at least two): mean, s²/n and n − 1 of the transformed values.
        public init?(seeds values: [Double], scale: MetricScale) {
            guard values.count > 1 else { return nil }
            let transformed = values.map(scale.transformed)
            self.init(center: Descriptive.mean(transformed),
                      parts: [(pow(Descriptive.standardDeviation(transformed), 2) / Double(values.count), Double(values.count - 1))])
        }

        /// From an estimate (on the averaging scale) and its standard error.
        public init(center: Double, standardError: Double, freedom: Double) {
            self.init(center: center, parts: [(standardError * standardError, freedom)])
        }

        public var variance: Double { parts.reduce(0) { $0 + $1.variance } }

        /// Welch–Satterthwaite: (Σ vᵢ)² / Σ (vᵢ² / νᵢ).
        public var freedom: Double {
            let used = parts.filter { $0.variance > 0 }
            return pow(variance, 2) / used.reduce(0) { $0 + $1.variance * $1.variance / $1.freedom }
        }

        /// The 95 % t-interval, back on the metric's scale.
        public func interval(scale: MetricScale, method: String) -> Interval {
            let estimate = scale.restored(center)
            guard variance > 0, variance.isFinite else { return .unavailable(estimate, because: "no spread to estimate an interval from") }
            let half = StudentT.quantile(0.975, degreesOfFreedom: freedom) * variance.squareRoot()
            return Interval(estimate: estimate, low: scale.restored(center - half), high: scale.restored(center + half), std: nil, method: method)
        }
    }

    /// The 95 % Welch t-interval of `second`'s mean minus `first`'s (of log means for a
    /// `.logarithmic` metric: the interval is then of the ratio second ÷ first).
    public static func difference(_ first: [Double], _ second: [Double], scale: MetricScale) -> Interval {
        guard let a = MeanEstimate(seeds: first, scale: scale), let b = MeanEstimate(seeds: second, scale: scale) else {
            let change = scale.mean(second) - scale.mean(first)
            return .unavailable(scale == .logarithmic ? scale.mean(second) / scale.mean(first) : change, because: "fewer than two seeds on a side")
        }
        return difference(a, b, scale: scale, method: "Welch t over \(first.count) and \(second.count) seeds")
    }

    /// The 95 % t-interval of `second` minus `first` (their ratio for a `.logarithmic` metric)
    /// from both estimates' parts, with `shared` parts of the difference itself (a paired
    /// comparison over the same test blocks replaces the two sides' block parts by one).
    public static func difference(_ first: MeanEstimate, _ second: MeanEstimate, shared: [(variance: Double, freedom: Double)] = [],
                                  scale: MetricScale, method: String) -> Interval {
        let change = MeanEstimate(center: second.center - first.center, parts: first.parts + second.parts + shared)
        let restore = { (value: Double) in scale == .logarithmic ? exp(value) : value }
        let estimate = restore(change.center)
        guard change.variance > 0, change.variance.isFinite else { return .unavailable(estimate, because: "no spread to estimate an interval from") }
        let half = StudentT.quantile(0.975, degreesOfFreedom: change.freedom) * change.variance.squareRoot()
        return Interval(estimate: estimate, low: restore(change.center - half), high: restore(change.center + half), std: nil, method: method)
    }
}
