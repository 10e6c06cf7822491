import Reporting

/// The mean of Monte-Carlo samples and its standard error, accumulated in one pass (Welford's
/// update, stable for long runs).
public struct MonteCarloMean: Sendable, Equatable, Codable {
    public private(set) var count = 0
    public private(set) var mean = 0.0
    private var squaredDeviations = 0.0

    public init() {}

    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        squaredDeviations += delta * (value - mean)
    }

    /// The sample standard deviation (0 for fewer than two samples).
    public var standardDeviation: Double {
        count > 1 ? (squaredDeviations / Double(count - 1)).squareRoot() : 0
    }

    /// The standard error of the mean.
    public var standardError: Double {
        count > 0 ? standardDeviation / Double(count).squareRoot() : 0
    }

    /// How many standard errors `expected` lies from the mean (0 when both agree exactly).
    public func zScore(against expected: Double) -> Double {
        let difference = mean - expected
        guard difference != 0 else { return 0 }
        return standardError > 0 ? difference / standardError : .infinity
    }
}

extension LineChart.Band {
    /// Means ± 3 standard errors, one point per index (generation).
    init(threeStandardErrors values: [MonteCarloMean], color: String) {
        self.init(points: values.enumerated().map { (Double($0.offset), $0.element.mean - 3 * $0.element.standardError,
                                                      $0.element.mean + 3 * $0.element.standardError) }, color: color)
    }
}
