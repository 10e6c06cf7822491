import Foundation

/// The percentiles the tail metrics use of any set of values: per-sequence
/// perplexities of a generation, or the likelihood bounds of a VAE's samples.
public struct PercentileSummary: Codable, Sendable, Equatable {
    public var count: Int
    public var p1: Double
    public var p5: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double

    /// - Complexity: O(n log n) for n values (one sort).
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        p1 = Self.percentile(1, ofSorted: sorted)
        p5 = Self.percentile(5, ofSorted: sorted)
        p50 = Self.percentile(50, ofSorted: sorted)
        p95 = Self.percentile(95, ofSorted: sorted)
        p99 = Self.percentile(99, ofSorted: sorted)
    }

    /// The p-th percentile by linear interpolation between order statistics: x at rank
    /// p/100·(n−1) of the sorted values x₀…x_{n−1} (numpy's default); NaN when there are none.
    public static func percentile(_ p: Double, ofSorted sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = p / 100 * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }
}
