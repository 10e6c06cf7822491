import Evaluation
import CorpusStore
import Foundation
import Reporting
import Storage

extension RunDirectory {
    /// `collapse report`: one self-contained page (inline SVG and CSS, nothing fetched) with the
    /// configuration, test perplexity by generation, per-sequence perplexity histograms, tail and
    /// diversity curves, a metrics table and sample continuations. Writes `<run>/report.html`.
    public func writeReport() throws -> String {
        let path = "\(self.path)/report.html"
        try FileSystem.writeText(try reportHTML(), to: path)
        return path
    }

    func reportHTML() throws -> String {
        // Seeds that finished at least one generation; each generation is averaged over the
        // seeds that finished it.
        let finished = try finishedMetrics()
        let seeds = finished.map(\.seed), perSeed = finished.map(\.metrics)
        let generations = perSeed.map(\.count).max() ?? 0
        guard generations > 0 else { throw CollapseError("no finished generation to report yet", path: path) }
        let palette = LineChart.palette
        func values<Value>(_ k: Int, _ value: (GenerationMetrics) -> Value?) -> [Value] {
            perSeed.compactMap { $0.count > k ? value($0[k]) : nil }
        }
        func mean(_ value: (GenerationMetrics) -> Double?) -> [Double] {
            (0..<generations).map { k in
                let values = values(k, value).filter(\.isFinite)
                return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
            }
        }
        func standardDeviation(_ value: (GenerationMetrics) -> Double) -> [Double] {
            (0..<generations).map { k in
                let values = values(k, value)
                let average = values.reduce(0, +) / Double(values.count)
                return (values.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(max(values.count - 1, 1))).squareRoot()
            }
        }

        // (a) Test perplexity: one line per seed, mean ± std band.
        var testSeries = seeds.enumerated().map { index, seed in
            LineChart.Series(name: "seed \(seed)", points: perSeed[index].map { (Double($0.generation), $0.testPerplexity) },
                             color: palette[index % palette.count])
        }
        let means = mean(\.testPerplexity), deviations = standardDeviation(\.testPerplexity)
        var bands: [LineChart.Band] = []
        if seeds.count > 1 {
            testSeries.append(.init(name: "mean", points: means.enumerated().map { (Double($0.offset), $0.element) }, color: "#000", dashed: true))
            var band: [(x: Double, lower: Double, upper: Double)] = []
            for k in 0..<generations {
                band.append((x: Double(k), lower: means[k] - deviations[k], upper: means[k] + deviations[k]))
            }
            bands.append(.init(points: band, color: "#555"))
        }
        let testChart = LineChart(title: "Test perplexity (real test blocks) by generation", xLabel: "generation",
                                  yLabel: "perplexity", series: testSeries, bands: bands, integerX: true).render()

        // (b) Per-sequence perplexity under generation 0, first seed: reference and every generation.
        let first = perSeed[0]
        var histograms: [HistogramChart.Histogram] = []
        if let reference = first.first?.referenceHistogram {
            histograms.append(.init(name: "real data", counts: reference.counts, color: "#000", dashed: true))
        }
        for m in first.prefix(generations) {
            let shade = Double(m.generation) / Double(max(generations - 1, 1))
            histograms.append(.init(name: "gen \(m.generation)", counts: m.generatedHistogram.counts, color: gradient(shade)))
        }
        let histogramChart = HistogramChart(title: "Per-sequence perplexity under generation 0 (seed \(seeds[0]))",
                                            xLabel: "log10 perplexity", lower: LogPerplexityHistogram.lower,
                                            upper: LogPerplexityHistogram.upper, histograms: histograms)

        // (c) Tail survival and distinct-n (means over seeds).
        func curve(_ name: String, _ values: [Double], _ color: String, dashed: Bool = false) -> LineChart.Series {
            .init(name: name, points: values.enumerated().filter { $0.element.isFinite }.map { (Double($0.offset), $0.element) }, color: color, dashed: dashed)
        }
        let tailChart = LineChart(title: "Tail survival: real types still written", xLabel: "generation", yLabel: "share of real types", series: [
            curve("seen 1× in real data", mean { $0.corpus.tailSurvival.seenOnce }, palette[0]),
            curve("seen 2–10×", mean { $0.corpus.tailSurvival.seenTwoToTen }, palette[1]),
            curve("seen 11–100×", mean { $0.corpus.tailSurvival.seenElevenToHundred }, palette[2]),
        ], integerX: true).render()
        let diversityChart = LineChart(title: "Diversity: distinct n-grams and repetition", xLabel: "generation", yLabel: "ratio", series: [
            curve("distinct-1", mean(\.corpus.distinct1), palette[3]),
            curve("distinct-2", mean(\.corpus.distinct2), palette[4]),
            curve("distinct-3", mean(\.corpus.distinct3), palette[5]),
            curve("repeated 4-grams", mean(\.corpus.repeatedFourGramRate), palette[6], dashed: true),
        ], logY: true, integerX: true).render()

        // Metrics table (means over seeds).
        let columns: [(String, [Double], Int)] = [
            ("test ppl", means, 1), ("test ppl (sentences)", mean(\.testSentencePerplexity), 1),
            ("p1", mean(\.generated.p1), 2), ("p50", mean(\.generated.p50), 2), ("p99", mean(\.generated.p99), 2),
            ("< real p1", mean(\.belowReferenceP1), 3), ("> real p99", mean(\.aboveReferenceP99), 3),
            ("survive 2–10×", mean { $0.corpus.tailSurvival.seenTwoToTen }, 3), ("survive 11–100×", mean { $0.corpus.tailSurvival.seenElevenToHundred }, 3),
            ("types", mean { Double($0.corpus.distinctTypes) }, 0), ("unigram KL", mean(\.corpus.unigramKL), 3),
            ("distinct-1", mean(\.corpus.distinct1), 3), ("distinct-2", mean(\.corpus.distinct2), 3), ("distinct-3", mean(\.corpus.distinct3), 3),
            ("repeated 4-grams", mean(\.corpus.repeatedFourGramRate), 3), ("zstd ratio", mean(\.corpus.compressionRatio), 2),
        ]
        var table = "<table><tr><th>gen</th>" + columns.map { "<th>\(escape($0.0))</th>" }.joined() + "</tr>\n"
        for k in 0..<generations {
            table += "<tr><td>\(k)</td>" + columns.map { "<td>\($0.1[k].isFinite ? Format.fixed($0.1[k], digits: $0.2) : "–")</td>" }.joined() + "</tr>\n"
        }
        table += "</table>"
        if let reference = first.first?.referenceCorpus, let summary = first.first?.reference {
            table += "<p class=\"note\">Real training data (reference): per-sequence perplexity p1 \(Format.fixed(summary.p1, digits: 2)), p50 \(Format.fixed(summary.p50, digits: 2)), p99 \(Format.fixed(summary.p99, digits: 2)); \(reference.distinctTypes) types; distinct-1/2/3 \(Format.fixed(reference.distinct1, digits: 3)) / \(Format.fixed(reference.distinct2, digits: 3)) / \(Format.fixed(reference.distinct3, digits: 3)); repeated 4-grams \(Format.fixed(reference.repeatedFourGramRate, digits: 3)); zstd ratio \(Format.fixed(reference.compressionRatio, digits: 2)).</p>"
        }

        // Samples: a few prompts with the first, second, a middle and the last generation.
        let shown = Array(Set([0, 1, generations / 2 + 1, generations - 1].filter { $0 < generations })).sorted()
        var samples = ""
        for text in try self.samples(blocks: try sampleBlocks(), generations: shown, seed: seeds[0]) {
            samples += "<div class=\"sample\"><pre>\(escape(text))</pre></div>\n"
        }

        let configurationRows = try configurationTable()
        return HTMLPage.render(title: configuration.name, body: """
        <h1>Model collapse run: \(escape(configuration.name))</h1>
        <h2>Configuration</h2>
        \(configurationRows)
        <h2>Test perplexity</h2>
        <div class="plots">\(testChart)</div>
        <h2>Per-sequence perplexity under generation 0</h2>
        <p class="note">Each generation's corpus (the continuations it wrote), scored block by block by the generation-0 model; the dashed outline is the real training data. Bins are shared: log10 perplexity in \(LogPerplexityHistogram.bins) equal bins over [\(Format.fixed(LogPerplexityHistogram.lower, digits: 0)), \(Format.fixed(LogPerplexityHistogram.upper, digits: 0))).</p>
        <div class="plots">\(histogramChart.renderOverlay())\(histogramChart.renderRidgeline())</div>
        <h2>Tails and diversity</h2>
        <div class="plots">\(tailChart)\(diversityChart)</div>
        <h2>Metrics by generation</h2>
        <p class="note">Means over the seeds that finished each generation (\(seedNote(finished))). Definitions: README (Metrics).</p>
        \(table)
        <h2>Samples</h2>
        \(samples)
        """)
    }

    /// "seed 1: 10 generations, seed 2: 3 generations; seed 3 not started".
    func seedNote(_ finished: [(seed: UInt64, metrics: [GenerationMetrics])]) -> String {
        let done = finished.map { "seed \($0.seed): \($0.metrics.count) of \(configuration.generations) generations" }
        let missing = configuration.seeds.filter { seed in !finished.contains { $0.seed == seed } }.map { "seed \($0)" }
        return (done + (missing.isEmpty ? [] : ["no finished generation yet: " + missing.joined(separator: ", ")])).joined(separator: "; ")
    }

    /// Three prompts spread over the training split.
    func sampleBlocks() throws -> [Int] {
        let count = try corpus().manifest.record(for: .train)?.statistics.blocks ?? 0
        return [0, count / 3, 2 * count / 3].filter { $0 < count }
    }

    /// The configuration as its file reads.
    func configurationTable() throws -> String {
        "<pre>\(escape(try prettyJSON(configuration).trimmingCharacters(in: .newlines)))</pre>"
    }

    func escape(_ text: String) -> String { SVGDocument.escape(text) }

    /// Light to dark blue through the generations.
    func gradient(_ t: Double) -> String {
        let (r, g, b) = (Int(158 - 150 * t), Int(202 - 170 * t), Int(225 - 120 * t))
        return "rgb(\(r),\(g),\(b))"
    }
}

