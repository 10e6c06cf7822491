import Statistics
import Testing
@testable import Evaluation

@Suite struct PerplexityStatisticsTests {
    @Test func percentilesInterpolateBetweenOrderStatistics() {
        // Sorted 10, 20, …, 110 (11 values): rank p/100·10.
        let summary = PercentileSummary([110, 10, 30, 20, 50, 40, 60, 80, 70, 90, 100])
        #expect(summary.count == 11)
        #expect(abs(summary.p1 - 11) < 1e-12)    // rank 0.1
        #expect(abs(summary.p5 - 15) < 1e-12)    // rank 0.5
        #expect(summary.p50 == 60)               // rank 5
        #expect(abs(summary.p95 - 105) < 1e-12)  // rank 9.5
        #expect(abs(summary.p99 - 109) < 1e-12)  // rank 9.9
        #expect(PercentileSummary([7]).p1 == 7 && PercentileSummary([7]).p99 == 7)
    }

    @Test func histogramBinsLog10PerplexityOnSharedEdges() {
        // Bins of 0.05 over [0, 5): 10 → log10 1.0 → bin 20; 1 → bin 0; 10⁶ and 0.1 clamp to the ends.
        let histogram = LogPerplexityHistogram([10, 10, 1, 1_000_000, 0.1, 1.2])
        #expect(histogram.counts.count == 100)
        #expect(histogram.counts[20] == 2)
        #expect(histogram.counts[0] == 2)   // 1 and 0.1 (clamped)
        #expect(histogram.counts[99] == 1)  // 10⁶ (clamped)
        #expect(histogram.counts[1] == 1)   // log10 1.2 = 0.079
        #expect(histogram.counts.reduce(0, +) == 6)
    }
}
