import Evaluation
import Reporting
import Statistics
import Storage

extension RunDirectory {
    /// Writes `comparison.tsv`, `comparison.json` and overlaid plots (`test-perplexity.svg`,
    /// `tail-survival.svg`, `final-histograms.svg`) into `directory`.
    public static func writeComparison(_ runs: [RunDirectory], to directory: String) throws -> [String] {
        let comparison = try comparison(of: runs)
        try FileSystem.createDirectory(directory)
        let palette = LineChart.palette
        /// Per run, the metric's means by generation and their intervals as a band.
        func lines(_ name: String) -> (series: [LineChart.Series], bands: [LineChart.Band]) {
            var series: [LineChart.Series] = [], bands: [LineChart.Band] = []
            for (index, run) in runs.enumerated() {
                let intervals = comparison.rows.filter { $0.run == run.configuration.name }.compactMap { row in
                    row.intervals[name].map { (generation: Double(row.generation), interval: $0) }
                }.filter { $0.interval.estimate.isFinite }
                let color = palette[index % palette.count]
                series.append(.init(name: run.configuration.name, points: intervals.map { ($0.generation, $0.interval.estimate) }, color: color))
                let available = intervals.filter { $0.interval.isAvailable }
                if !available.isEmpty { bands.append(.init(points: available.map { ($0.generation, $0.interval.low, $0.interval.high) }, color: color)) }
            }
            return (series, bands)
        }
        let perplexity = lines("testPerplexity"), survival = lines("tailSurvivalElevenToHundred")
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
            ("comparison.tsv", comparison.tsv),
            ("comparison.json", try comparison.json()),
            ("test-perplexity.svg", LineChart(title: "Test perplexity by generation (geometric mean over seeds, 95 % interval)", xLabel: "generation",
                                              yLabel: "perplexity", series: perplexity.series, bands: perplexity.bands, logY: true, integerX: true).render()),
            ("tail-survival.svg", LineChart(title: "Survival of real types seen 11–100 times (mean over seeds, 95 % interval)", xLabel: "generation",
                                            yLabel: "share", series: survival.series, bands: survival.bands, integerX: true).render()),
            ("final-histograms.svg", HistogramChart(title: "Per-sequence perplexity under generation 0, last generation", xLabel: "log10 perplexity",
                                                    lower: LogPerplexityHistogram.lower, upper: LogPerplexityHistogram.upper,
                                                    histograms: histograms).renderOverlay()),
        ]
        for (name, content) in files { try FileSystem.writeText(content, to: "\(directory)/\(name)") }
        return files.map { "\(directory)/\($0.0)" }
    }
}
