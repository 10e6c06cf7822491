import Foundation

/// Where a metric is averaged and what values it can take: a perplexity is a ratio, averaged on
/// the log scale (its mean over seeds is the geometric mean) and always positive; a share lies
/// in [0, 1]. Intervals are computed on the averaging scale and never leave the metric's values.
public enum MetricScale: String, Codable, Sendable {
    /// Any real value.
    case linear
    /// A non-negative value (a divergence, a count).
    case nonNegative
    /// A share in [0, 1].
    case unit
    /// A positive ratio (a perplexity): averaged as logs.
    case logarithmic

    /// The value on the averaging scale.
    public func transformed(_ value: Double) -> Double {
        self == .logarithmic ? log(value) : value
    }

    /// The value back on the metric's own scale, held within the values it can take.
    public func restored(_ value: Double) -> Double {
        switch self {
        case .linear: value
        case .nonNegative: max(0, value)
        case .unit: min(1, max(0, value))
        case .logarithmic: exp(value)
        }
    }

    /// The mean over values on this scale (the geometric mean for `.logarithmic`).
    public func mean(_ values: [Double]) -> Double {
        restored(Descriptive.mean(values.map(transformed)))
    }
}
