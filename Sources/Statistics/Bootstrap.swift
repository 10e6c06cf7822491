import Storage

/// The seeded percentile bootstrap of any statistic of one sample (Efron): the statistic of
/// `replicates` resamples drawn with replacement, and the 2.5th and 97.5th percentiles of those.
/// The same seed gives the same interval.
public enum Bootstrap {
    /// - Complexity: O(replicates × the statistic's cost on n values).
    public static func interval(of values: [Double], replicates: Int = 2000, seed: UInt64 = 1,
                                statistic: ([Double]) -> Double) -> Interval {
        let estimate = statistic(values)
        guard values.count > 1 else { return .unavailable(estimate, because: "fewer than two values") }
        var random = SplitMix64(seed: seed)
        var draws: [Double] = []
        draws.reserveCapacity(replicates)
        var resample = values
        for _ in 0..<replicates {
            for index in resample.indices {
                resample[index] = values[Int(random.next().multipliedFullWidth(by: UInt64(values.count)).high)]
            }
            draws.append(statistic(resample))
        }
        return percentileInterval(estimate: estimate, draws: draws, std: Descriptive.standardDeviation(values),
                                  method: "percentile bootstrap over \(values.count) values")
    }
}
