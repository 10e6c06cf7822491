import Foundation

/// Descriptive statistics of a sample.
public enum Descriptive {
    /// The arithmetic mean; NaN for no values.
    /// - Complexity: O(n).
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (n − 1 in the denominator); NaN for fewer than two values.
    /// - Complexity: O(n).
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return .nan }
        let average = mean(values)
        return (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(values.count - 1)).squareRoot()
    }

    /// exp of the mean log: the average of ratios such as perplexities. NaN for no values or
    /// a value ≤ 0.
    /// - Complexity: O(n).
    public static func geometricMean(_ values: [Double]) -> Double {
        guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else { return .nan }
        return exp(mean(values.map { log($0) }))
    }
}
