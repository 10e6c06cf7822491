import Evaluation
import Foundation
import Reporting
import Storage

extension RunDirectory {
    /// One run's generation in a comparison: means over the seeds that finished it.
    public struct ComparisonRow: Codable, Sendable, Equatable {
        public var run: String
        public var generation: Int
        /// How many seeds the means are over.
        public var seeds: Int
        public var testPerplexity: Double
        public var p1: Double
        public var p50: Double
        public var p99: Double
        public var belowReferenceP1: Double
        public var aboveReferenceP99: Double
        public var tailSurvivalTwoToTen: Double?
        public var tailSurvivalElevenToHundred: Double?
        public var unigramKL: Double
        public var distinct2: Double
    }

    /// Every generation of every run that at least one seed finished, averaged over those seeds.
    public static func comparisonRows(_ runs: [RunDirectory]) throws -> [ComparisonRow] {
        var rows: [ComparisonRow] = []
        for run in runs {
            let perSeed = try run.finishedMetrics().map(\.metrics)
            let generations = perSeed.map(\.count).max() ?? 0
            guard generations > 0 else { throw CollapseError("no finished generation to compare yet", path: run.path) }
            for k in 0..<generations {
                let finished = perSeed.filter { $0.count > k }.map { $0[k] }
                func mean(_ value: (GenerationMetrics) -> Double) -> Double {
                    finished.map(value).reduce(0, +) / Double(finished.count)
                }
                func optionalMean(_ value: (GenerationMetrics) -> Double?) -> Double? {
                    let values = finished.compactMap(value)
                    return values.count == finished.count ? values.reduce(0, +) / Double(values.count) : nil
                }
                rows.append(ComparisonRow(
                    run: run.configuration.name, generation: k, seeds: finished.count, testPerplexity: mean(\.testPerplexity),
                    p1: mean(\.generated.p1), p50: mean(\.generated.p50), p99: mean(\.generated.p99),
                    belowReferenceP1: mean(\.belowReferenceP1), aboveReferenceP99: mean(\.aboveReferenceP99),
                    tailSurvivalTwoToTen: optionalMean { $0.corpus.tailSurvival.seenTwoToTen },
                    tailSurvivalElevenToHundred: optionalMean { $0.corpus.tailSurvival.seenElevenToHundred },
                    unigramKL: mean(\.corpus.unigramKL), distinct2: mean(\.corpus.distinct2)))
            }
        }
        return rows
    }

    /// `collapse compare` for people: per generation, runs side by side (test perplexity,
    /// per-sequence p1/p50/p99 under generation 0, survival of real types seen 11–100 times).
    public static func comparison(_ runs: [RunDirectory]) throws -> String {
        let rows = try comparisonRows(runs)
        var header = ["gen"]
        for run in runs { header += ["\(run.configuration.name) test ppl", "p1", "p50", "p99", "survive 11-100"] }
        var table = TextTable(header: header)
        let last = rows.map(\.generation).max() ?? -1
        if last >= 0 {
            for k in 0...last {
                var line = ["\(k)"]
                for run in runs {
                    if let row = rows.first(where: { $0.run == run.configuration.name && $0.generation == k }) {
                        line += [Format.fixed(row.testPerplexity, digits: 1), Format.fixed(row.p1, digits: 2), Format.fixed(row.p50, digits: 2),
                                 Format.fixed(row.p99, digits: 2), row.tailSurvivalElevenToHundred.map { Format.fixed($0, digits: 3) } ?? "NA"]
                    } else {
                        line += ["-", "-", "-", "-", "-"]
                    }
                }
                table.append(line)
            }
        }
        return table.render()
    }

    /// The rows as TSV with a header (NA for undefined values).
    public static func comparisonTSV(_ rows: [ComparisonRow]) -> String {
        func value(_ number: Double?) -> String { number.map { $0.isFinite ? "\($0)" : "NA" } ?? "NA" }
        var text = "run\tgeneration\tseeds\ttest_perplexity\tp1\tp50\tp99\tbelow_reference_p1\tabove_reference_p99\ttail_survival_2_10\ttail_survival_11_100\tunigram_kl\tdistinct_2\n"
        for row in rows {
            text += [row.run, "\(row.generation)", "\(row.seeds)", value(row.testPerplexity), value(row.p1), value(row.p50), value(row.p99),
                     value(row.belowReferenceP1), value(row.aboveReferenceP99), value(row.tailSurvivalTwoToTen),
                     value(row.tailSurvivalElevenToHundred), value(row.unigramKL), value(row.distinct2)].joined(separator: "\t") + "\n"
        }
        return text
    }

    public static func comparisonJSON(_ rows: [ComparisonRow]) throws -> String {
        try prettyJSON(rows)
    }

    /// Writes `comparison.tsv`, `comparison.json` and overlaid plots (`test-perplexity.svg`,
    /// `tail-survival.svg`, `final-histograms.svg`) into `directory`.
    public static func writeComparison(_ runs: [RunDirectory], to directory: String) throws -> [String] {
        let rows = try comparisonRows(runs)
        try FileSystem.createDirectory(directory)
        let palette = LineChart.palette
        func series(_ value: (ComparisonRow) -> Double?) -> [LineChart.Series] {
            runs.enumerated().map { index, run in
                .init(name: run.configuration.name,
                      points: rows.filter { $0.run == run.configuration.name }.compactMap { row in value(row).map { (Double(row.generation), $0) } },
                      color: palette[index % palette.count])
            }
        }
        var histograms: [HistogramChart.Histogram] = []
        for (index, run) in runs.enumerated() {
            let metrics = try run.finishedMetrics().first?.metrics ?? []
            if index == 0, let reference = metrics.first?.referenceHistogram {
                histograms.append(.init(name: "real data", counts: reference.counts, color: "#000", dashed: true))
            }
            if let last = metrics.last {
                histograms.append(.init(name: "\(run.configuration.name) gen \(last.generation)", counts: last.generatedHistogram.counts,
                                        color: palette[index % palette.count]))
            }
        }
        let files: [(String, String)] = [
            ("comparison.tsv", comparisonTSV(rows)),
            ("comparison.json", try comparisonJSON(rows)),
            ("test-perplexity.svg", LineChart(title: "Test perplexity by generation", xLabel: "generation", yLabel: "perplexity",
                                              series: series(\.testPerplexity), integerX: true).render()),
            ("tail-survival.svg", LineChart(title: "Survival of real types seen 11–100 times", xLabel: "generation", yLabel: "share",
                                            series: series(\.tailSurvivalElevenToHundred), integerX: true).render()),
            ("final-histograms.svg", HistogramChart(title: "Per-sequence perplexity under generation 0, last generation", xLabel: "log10 perplexity",
                                                    lower: LogPerplexityHistogram.lower, upper: LogPerplexityHistogram.upper,
                                                    histograms: histograms).renderOverlay()),
        ]
        for (name, content) in files { try FileSystem.writeText(content, to: "\(directory)/\(name)") }
        return files.map { "\(directory)/\($0.0)" }
    }
}
