import Foundation

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
