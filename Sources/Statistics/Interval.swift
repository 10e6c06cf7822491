/// A 95 % interval around an estimate, with how it was computed.
public struct Interval: Codable, Sendable, Equatable {
    /// The point estimate (a mean over seeds on the metric's scale).
    public var estimate: Double
    public var low: Double
    public var high: Double
    /// The standard deviation over seeds of the per-seed values (nil with one seed).
    public var std: Double?
    /// How the interval was computed, for a reader ("t over 3 seeds", "bootstrap over sequences
    /// only (one seed)").
    public var method: String

    public init(estimate: Double, low: Double, high: Double, std: Double?, method: String) {
        (self.estimate, self.low, self.high, self.std, self.method) = (estimate, low, high, std, method)
    }

    /// No interval can be given; `low` and `high` are the estimate itself.
    public static func unavailable(_ estimate: Double, std: Double? = nil, because reason: String) -> Interval {
        Interval(estimate: estimate, low: estimate, high: estimate, std: std, method: "none: \(reason)")
    }

    /// Whether the interval says anything (it is not a single point for want of data).
    public var isAvailable: Bool { !method.hasPrefix("none") }

    /// Whether `value` lies outside the interval: a difference that excludes "no change".
    public func excludes(_ value: Double) -> Bool { isAvailable && (value < low || value > high) }
}
