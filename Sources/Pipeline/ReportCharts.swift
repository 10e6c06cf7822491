import Evaluation
import Foundation
import Reporting
import Statistics
import Storage

/// The charts and the table of a run's report.
extension RunDirectory {
    typealias FinishedSeeds = [(seed: UInt64, metrics: [GenerationMetrics])]

    /// Per metric of the finished seeds, by generation: the values of the seeds that finished it.
    func seedValues(_ finished: FinishedSeeds, _ value: (GenerationMetrics) -> Double?) -> [[Double]] {
        let generations = finished.map(\.metrics.count).max() ?? 0
        return (0..<generations).map { k in finished.compactMap { $0.metrics.count > k ? value($0.metrics[k]) : nil }.filter(\.isFinite) }
    }

    /// Fig. 10's analogue: a line per seed, their geometric mean and its interval, on a log axis.
    func testPerplexityChart(_ finished: FinishedSeeds, _ compared: [ComparedGeneration]) -> String {
        let palette = LineChart.palette
        var series = finished.enumerated().map { index, seed in
            LineChart.Series(name: "seed \(seed.seed)", points: seed.metrics.map { (Double($0.generation), $0.testPerplexity) },
                             color: palette[index % palette.count])
        }
        let intervals = compared.compactMap { generation in generation.intervals["testPerplexity"].map { (Double(generation.generation), $0) } }
        if finished.count > 1 {
            series.append(.init(name: "geometric mean", points: intervals.map { ($0.0, $0.1.estimate) }, color: "#000", dashed: true))
        }
        let band = LineChart.Band(points: intervals.filter { $0.1.isAvailable }.map { ($0.0, $0.1.low, $0.1.high) }, color: "#555")
        return LineChart(title: "Test perplexity (real test blocks) by generation", xLabel: "generation", yLabel: "perplexity",
                         series: series, bands: [band], logY: true, integerX: true).render()
    }

    /// Fig. 11's analogue for one seed: the real training blocks and each generation's
    /// sequences under generation 0, on bins fitted to all of them, the real p1 and p99 marked.
    func perSequenceChart(seed: UInt64, generations: Int) throws -> HistogramChart {
        var sets: [(name: String, values: [Double], color: String, dashed: Bool)] = []
        if let real = try sequenceValues("seed-\(seed)/gen-0/reference-perplexity.tsv") { sets.append(("real data", real, "#000", true)) }
        for k in 0..<generations {
            guard let values = try sequenceValues("seed-\(seed)/gen-\(k)/sequence-perplexity.tsv") else { break }
            sets.append(("gen \(k)", values, gradient(Double(k) / Double(max(generations - 1, 1))), false))
        }
        var chart = HistogramChart.fitted(title: "Per-sequence perplexity under generation 0 (seed \(seed))", xLabel: "perplexity (log)",
                                          sets: sets, bins: 80, logarithmic: true)
        if let reference = sets.first(where: { $0.name == "real data" }).map({ PercentileSummary($0.values) }) {
            chart.markers = [.init(value: log10(reference.p1), label: "real p1"), .init(value: log10(reference.p99), label: "real p99")]
        }
        return chart
    }

    /// Tail survival by generation: means over seeds with their t-intervals.
    func tailChart(_ finished: FinishedSeeds) -> String {
        let palette = LineChart.palette
        var series: [LineChart.Series] = [], bands: [LineChart.Band] = []
        let curves: [(String, (GenerationMetrics) -> Double?)] = [
            ("seen 1× in real data", { $0.corpus.tailSurvival.seenOnce }), ("seen 2–10×", { $0.corpus.tailSurvival.seenTwoToTen }),
            ("seen 11–100×", { $0.corpus.tailSurvival.seenElevenToHundred }),
        ]
        for (index, (name, value)) in curves.enumerated() {
            let intervals = seedValues(finished, value).enumerated().filter { !$0.element.isEmpty }
                .map { (Double($0.offset), SeedInterval.mean($0.element, scale: .unit)) }
            series.append(.init(name: name, points: intervals.map { ($0.0, $0.1.estimate) }, color: palette[index]))
            bands.append(.init(points: intervals.filter { $0.1.isAvailable }.map { ($0.0, $0.1.low, $0.1.high) }, color: palette[index]))
        }
        return LineChart(title: "Tail survival: real types still written", xLabel: "generation", yLabel: "share of real types",
                         series: series, bands: bands, integerX: true).render()
    }

    func diversityChart(_ finished: FinishedSeeds) -> String {
        let palette = LineChart.palette
        func curve(_ name: String, _ value: @escaping (GenerationMetrics) -> Double, _ color: String, dashed: Bool = false) -> LineChart.Series {
            .init(name: name, points: seedValues(finished, value).enumerated().filter { !$0.element.isEmpty }
                .map { (Double($0.offset), Descriptive.mean($0.element)) }, color: color, dashed: dashed)
        }
        return LineChart(title: "Diversity: distinct n-grams and repetition", xLabel: "generation", yLabel: "ratio", series: [
            curve("distinct-1", \.corpus.distinct1, palette[3]), curve("distinct-2", \.corpus.distinct2, palette[4]),
            curve("distinct-3", \.corpus.distinct3, palette[5]), curve("repeated 4-grams", \.corpus.repeatedFourGramRate, palette[6], dashed: true),
        ], logY: true, integerX: true).render()
    }

    /// Every metric by generation: the compared ones with their intervals, the rest as means.
    func metricsTable(_ finished: FinishedSeeds, _ compared: [ComparedGeneration]) -> String {
        let intervals = compared.map(\.intervals)
        func withInterval(_ name: String, digits: Int) -> [String] {
            intervals.map { RunDirectory.Comparison.shown($0[name], digits: digits) }
        }
        func plain(_ value: @escaping (GenerationMetrics) -> Double?, digits: Int, scale: MetricScale = .linear) -> [String] {
            seedValues(finished, value).map { $0.isEmpty ? "–" : Format.fixed(scale.mean($0), digits: digits) }
        }
        let columns: [(String, [String])] = [
            ("test ppl", withInterval("testPerplexity", digits: 1)), ("test ppl (sentences)", plain(\.testSentencePerplexity, digits: 1, scale: .logarithmic)),
            ("p1", withInterval("p1", digits: 2)), ("p50", withInterval("p50", digits: 2)), ("p99", withInterval("p99", digits: 2)),
            ("< real p1", withInterval("belowReferenceP1", digits: 3)), ("> real p99", withInterval("aboveReferenceP99", digits: 3)),
            ("survive 2–10×", plain({ $0.corpus.tailSurvival.seenTwoToTen }, digits: 3)),
            ("survive 11–100×", plain({ $0.corpus.tailSurvival.seenElevenToHundred }, digits: 3)),
            ("types", plain({ Double($0.corpus.distinctTypes) }, digits: 0)), ("unigram KL", plain(\.corpus.unigramKL, digits: 3)),
            ("distinct-1", plain(\.corpus.distinct1, digits: 3)), ("distinct-2", plain(\.corpus.distinct2, digits: 3)),
            ("distinct-3", plain(\.corpus.distinct3, digits: 3)), ("repeated 4-grams", plain(\.corpus.repeatedFourGramRate, digits: 3)),
            ("zstd ratio", plain(\.corpus.compressionRatio, digits: 2)),
        ]
        var table = "<table><tr><th>gen</th>" + columns.map { "<th>\(escape($0.0))</th>" }.joined() + "</tr>\n"
        for k in 0..<compared.count {
            table += "<tr><td>\(k)</td>" + columns.map { "<td>\(escape($0.1[k]))</td>" }.joined() + "</tr>\n"
        }
        table += "</table>"
        if let first = finished.first?.metrics.first, let reference = first.referenceCorpus, let summary = first.reference {
            table += "<p class=\"note\">Real training data (reference): per-sequence perplexity p1 \(Format.fixed(summary.p1, digits: 2)), p50 \(Format.fixed(summary.p50, digits: 2)), p99 \(Format.fixed(summary.p99, digits: 2)); \(reference.distinctTypes) types; distinct-1/2/3 \(Format.fixed(reference.distinct1, digits: 3)) / \(Format.fixed(reference.distinct2, digits: 3)) / \(Format.fixed(reference.distinct3, digits: 3)); repeated 4-grams \(Format.fixed(reference.repeatedFourGramRate, digits: 3)); zstd ratio \(Format.fixed(reference.compressionRatio, digits: 2)).</p>"
        }
        return table
    }
}
