import Foundation
import Reporting
import Statistics
import Storage

/// The run's `report.html`, in the language runs' style: sample grids by generation, the
/// histogram of generation 0's negative ELBO of each generation's samples on shared bins (the
/// analogue of the paper's Fig. 11), variety and class coverage by generation, and the table.
struct VAEReport {
    let result: VAERunResult
    static let bins = 60

    func html() throws -> String {
        let configuration = result.configuration
        var body = "<h1>Recursive VAE on handwritten digits</h1>\n<p class=\"note\">"
            + SVGDocument.escape("\(configuration.generations) generations, regime \(configuration.regime.rawValue)"
                + (configuration.regime == .realFraction ? " γ = \(configuration.realFraction)" : "")
                + ", seeds \(configuration.seeds.map(String.init).joined(separator: ", ")); VAE \(DigitSet.pixels)→\(configuration.architecture.hidden)→\(configuration.architecture.latent) latent, "
                + "Gaussian likelihood σ = \(configuration.architecture.pixelDeviation), \(configuration.training.epochs) epochs of Adam. "
                + "Samples are the decoder's means at latent points drawn from the prior; −ELBO is in nats per image (lower is more likely).")
            + "</p>\n"
        body += try grids()
        body += "<h2>Generation 0's −ELBO of each generation's samples</h2>\n<div class=\"plots\">" + (try histogram()) + "</div>\n"
        body += "<h2>Variety and coverage by generation</h2>\n<div class=\"plots\">" + charts().joined() + "</div>\n"
        body += "<h2>Metrics</h2>\n<p class=\"note\">real_nelbo: the real digits under each generation's model; sample_nelbo: the samples under generation 0; "
            + "above_real_p99 / below_real_p1: shares of samples beyond the real digits' percentiles under generation 0; classes by each sample's nearest real digit "
            + "(covered: ≥ \(Int(SampleStatistics.coveredShare * 100)) % of samples; effective: exp of the class entropy).</p>\n"
        body += HTMLPage.table(header: VAERunResult.columns, rows: result.rows())
        return HTMLPage.render(title: "VAE run \(FileSystem.lastComponent(of: result.directory))", body: body)
    }

    /// The first seed's sample grids, every generation, beside the real digits.
    func grids() throws -> String {
        guard let seed = result.configuration.seeds.first else { return "" }
        var html = "<h2>Samples by generation (seed \(seed), first 100)</h2>\n<div class=\"plots thumbnails\">"
        let real = "\(result.directory)/real-digits.svg"
        if FileSystem.exists(real) { html += "<figure>" + (try InputFile.readText(path: real)) + "<figcaption>real digits</figcaption></figure>" }
        for generation in 0..<result.configuration.generations {
            let svg = try InputFile.readText(path: "\(result.directory)/seed-\(seed)/gen-\(generation)/samples.svg")
            html += "<figure>\(svg)<figcaption>generation \(generation)</figcaption></figure>"
        }
        return html + "</div>\n"
    }

    /// One row per generation (every seed pooled) and one for the real digits, on bins that span
    /// all of them.
    func histogram() throws -> String {
        var sets: [(String, [Double])] = [("real digits", [])]
        for seed in result.configuration.seeds { sets[0].1 += try values("seed-\(seed)/gen-0/real-elbo.tsv") }
        for generation in 0..<result.configuration.generations {
            sets.append(("generation \(generation)", try result.configuration.seeds.flatMap { try values("seed-\($0)/gen-\(generation)/elbo.tsv") }))
        }
        // Wide enough for the bulk of every set: the real digits' tail reaches far beyond the samples'.
        let sorted = sets.map { $0.1.filter(\.isFinite).sorted() }.filter { !$0.isEmpty }
        let lower = (sorted.map { PercentileSummary.percentile(0.5, ofSorted: $0) }.min() ?? 0).rounded(.down)
        let upper = max(lower + 1, (sorted.map { PercentileSummary.percentile(99.5, ofSorted: $0) }.max() ?? 1).rounded(.up))
        let histograms = sets.enumerated().map { index, set in
            var counts = [Int](repeating: 0, count: Self.bins)
            for value in set.1 where value.isFinite {
                counts[min(Self.bins - 1, max(0, Int(((value - lower) / (upper - lower) * Double(Self.bins)).rounded(.down))))] += 1
            }
            return HistogramChart.Histogram(name: set.0, counts: counts, color: index == 0 ? "#000000" : LineChart.palette[(index - 1) % LineChart.palette.count],
                                            dashed: index == 0)
        }
        var chart = HistogramChart(title: "−ELBO under generation 0 (values beyond the axis in the end bins)", xLabel: "−ELBO (nats per image)",
                                   lower: lower, upper: upper, histograms: histograms)
        chart.items = "images"
        return chart.renderRidgeline() + chart.renderOverlay()
    }

    func values(_ file: String) throws -> [Double] {
        try readNumbers(from: "\(result.directory)/\(file)")
    }

    /// Per-seed curves by generation, each with the real digits' value as a dashed line.
    func charts() -> [String] {
        let metrics: [(String, (VAEGenerationMetrics) -> Double, ((VAEReference) -> Double)?)] = [
            ("mean pairwise distance", { $0.statistics.meanPairwiseDistance }, { $0.statistics.meanPairwiseDistance }),
            ("effective classes (nearest real digit)", { $0.statistics.effectiveClasses }, { $0.statistics.effectiveClasses }),
            ("distance to the nearest real digit (mean)", { $0.statistics.meanNearestRealDistance }, { $0.statistics.meanNearestRealDistance }),
            ("samples' −ELBO under generation 0 (median)", { $0.sampleNegativeELBO.p50 }, { $0.negativeELBO.p50 }),
            ("real digits' −ELBO under generation n (mean)", { $0.realNegativeELBO }, nil),
        ]
        return metrics.map { title, value, reference in
            var series: [LineChart.Series] = []
            for (index, (seedReference, generations)) in result.seeds.enumerated() {
                let color = LineChart.palette[index % LineChart.palette.count]
                series.append(.init(name: "seed \(seedReference.seed)", points: generations.map { (Double($0.generation), value($0)) }, color: color))
                if let reference, index == 0 {
                    let level = reference(seedReference)
                    series.append(.init(name: "real digits", points: generations.map { (Double($0.generation), level) }, color: "#000000", dashed: true))
                }
            }
            return LineChart(title: title, xLabel: "generation", yLabel: title, series: series, integerX: true).render(width: 520, height: 300)
        }
    }
}
