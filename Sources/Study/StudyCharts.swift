import Foundation
import Pipeline
import Reporting
import Statistics
import Storage

/// The study's page: per family, Fig. 10's and Fig. 11's analogues as charts, then the tables.
extension StudyResults {
    func html() throws -> String {
        var body = "<h1>Study \(SVGDocument.escape(configuration.name))</h1>\n"
        body += "<p class=\"note\">Means over seeds (perplexities: geometric means); bands and brackets are 95 % intervals (README, “Means and intervals”).</p>\n"
        for family in configuration.families.map(\.name) {
            body += "<h2>\(SVGDocument.escape(family))</h2>\n<div class=\"plots\">\(testPerplexityChart(family))"
            for run in results(of: family) { body += try perSequenceChart(run) }
            body += "</div>\n"
        }
        body += "<h2>Tables</h2>\n<pre>\(SVGDocument.escape(markdown()))</pre>\n"
        return HTMLPage.render(title: configuration.name, body: body)
    }

    /// Fig. 10's analogue for one family: a line per regime with its interval band, on a log axis.
    func testPerplexityChart(_ family: String) -> String {
        var series: [LineChart.Series] = [], bands: [LineChart.Band] = []
        for (index, run) in results(of: family).enumerated() {
            let color = LineChart.palette[index % LineChart.palette.count]
            let intervals = run.rows.compactMap { row in row.intervals["testPerplexity"].map { (Double(row.generation), $0) } }
            series.append(.init(name: run.run.regime?.label ?? run.run.name, points: intervals.map { ($0.0, $0.1.estimate) }, color: color))
            bands.append(.init(points: intervals.filter { $0.1.isAvailable }.map { ($0.0, $0.1.low, $0.1.high) }, color: color))
        }
        return LineChart(title: "\(family): test perplexity by generation (Fig. 10)", xLabel: "generation", yLabel: "perplexity",
                         series: series, bands: bands, logY: true, integerX: true).render()
    }

    /// Fig. 11's analogue for one run's first seed: the real training blocks and generations 1,
    /// 5 and 9 under generation 0, the real p1 and p99 marked.
    func perSequenceChart(_ result: RunResult) throws -> String {
        guard let seed = result.directory.configuration.seeds.first, let real = try result.directory.referencePerplexities(seed: seed) else { return "" }
        var sets: [(name: String, values: [Double], color: String, dashed: Bool)] = [("real data", real, "#000", true)]
        for (index, k) in shownGenerations.enumerated() {
            guard let values = try result.directory.generatedPerplexities(seed: seed, generation: k) else { continue }
            sets.append(("gen \(k)", values, LineChart.palette[index % LineChart.palette.count], false))
        }
        var chart = HistogramChart.fitted(title: "\(result.run.name), seed \(seed): per-sequence perplexity under generation 0 (Fig. 11)",
                                          xLabel: "perplexity (log)", sets: sets, bins: 80, logarithmic: true)
        let summary = PercentileSummary(real)
        chart.markers = [.init(value: log10(summary.p1), label: "real p1"), .init(value: log10(summary.p99), label: "real p99")]
        return chart.renderOverlay()
    }
}
