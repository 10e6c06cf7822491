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

    /// The 95 % Welch t-interval of `second`'s mean minus `first`'s (of log means for a
    /// `.logarithmic` metric: the interval is then of the ratio second ÷ first).
    public static func difference(_ first: [Double], _ second: [Double], scale: MetricScale) -> Interval {
        let (a, b) = (first.map(scale.transformed), second.map(scale.transformed))
        let change = Descriptive.mean(b) - Descriptive.mean(a)
        let estimate = scale == .logarithmic ? exp(change) : change
        guard a.count > 1, b.count > 1 else { return .unavailable(estimate, because: "fewer than two seeds on a side") }
        let (va, vb) = (pow(Descriptive.standardDeviation(a), 2) / Double(a.count), pow(Descriptive.standardDeviation(b), 2) / Double(b.count))
        let error = (va + vb).squareRoot()
        guard error > 0 else { return Interval(estimate: estimate, low: estimate, high: estimate, std: nil, method: "Welch t, no spread") }
        let freedom = pow(va + vb, 2) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        let half = StudentT.quantile(0.975, degreesOfFreedom: freedom) * error
        let restore = { (value: Double) in scale == .logarithmic ? exp(value) : value }
        return Interval(estimate: estimate, low: restore(change - half), high: restore(change + half), std: nil,
                        method: "Welch t over \(a.count) and \(b.count) seeds")
    }
}
