import Foundation

/// Percentiles and histograms of per-sequence perplexities (SPEC §3).
public struct PerplexitySummary: Codable, Sendable, Equatable {
    public var count: Int
    public var p1: Double
    public var p5: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double

    /// Percentiles by linear interpolation between order statistics: the p-th percentile of
    /// sorted values x₀…x_{n−1} is x at rank p/100·(n−1) (numpy's default).
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let rank = p / 100 * Double(sorted.count - 1)
            let low = Int(rank.rounded(.down)), high = min(low + 1, sorted.count - 1)
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
        }
        p1 = percentile(1)
        p5 = percentile(5)
        p50 = percentile(50)
        p95 = percentile(95)
        p99 = percentile(99)
    }
}

/// Counts of log10(perplexity) in fixed bins shared by every generation and run, so histograms
/// overlay on one axis: `bins` equal bins over [lower, upper); values outside go to the end bins.
public struct LogPerplexityHistogram: Codable, Sendable, Equatable {
    public static let lower = 0.0
    public static let upper = 5.0
    public static let bins = 100

    public var lower: Double
    public var upper: Double
    public var counts: [Int]

    public init(_ perplexities: [Double]) {
        lower = Self.lower
        upper = Self.upper
        counts = [Int](repeating: 0, count: Self.bins)
        let width = (upper - lower) / Double(Self.bins)
        for value in perplexities {
            let bin = Int(((log10(value) - lower) / width).rounded(.down))
            counts[min(max(bin, 0), Self.bins - 1)] += 1
        }
    }
}
