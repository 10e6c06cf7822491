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
        guard !finished.isEmpty else { throw CollapseError("no finished generation to report yet", path: path) }
        let compared = try comparedGenerations()
        let generations = compared.count
        let perSequence = try perSequenceChart(seed: finished[0].seed, generations: generations)
        // Samples: a few prompts with the first, second, a middle and the last generation.
        let shown = Array(Set([0, 1, generations / 2 + 1, generations - 1].filter { $0 < generations })).sorted()
        var samples = ""
        for text in try self.samples(blocks: try sampleBlocks(), generations: shown, seed: finished[0].seed) {
            samples += "<div class=\"sample\"><pre>\(escape(text))</pre></div>\n"
        }
        return HTMLPage.render(title: configuration.name, body: """
        <h1>Model collapse run: \(escape(configuration.name))</h1>
        <h2>Configuration</h2>
        \(try configurationTable())
        <h2>Test perplexity</h2>
        <p class="note">One line per seed; with several seeds the dashed line is their geometric mean. The band is its 95 % interval (\(escape(compared[0].intervals["testPerplexity"]?.method ?? "none"))).</p>
        <div class="plots">\(testPerplexityChart(finished, compared))</div>
        <h2>Per-sequence perplexity under generation 0</h2>
        <p class="note">Each generation's corpus (the continuations it wrote), scored block by block by the generation-0 model (seed \(finished[0].seed)); the dashed outline is the real training data, and the dashed lines mark its p1 and p99. Bins are fitted to the data: \(perSequence.histograms.first?.counts.count ?? 0) equal bins of log10 perplexity over [\(Format.fixed(perSequence.lower, digits: 2)), \(Format.fixed(perSequence.upper, digits: 2))], which hold every sequence.</p>
        <div class="plots">\(perSequence.renderOverlay())\(perSequence.renderRidgeline())</div>
        <h2>Tails and diversity</h2>
        <div class="plots">\(tailChart(finished))\(diversityChart(finished))</div>
        <h2>Metrics by generation</h2>
        <p class="note">Means over the seeds that finished each generation (\(seedNote(finished))): perplexities are geometric means (the mean of their logs), the rest arithmetic. [low, high]: 95 % intervals, computed as under each column's name in `collapse compare`. Definitions: README (Metrics).</p>
        \(metricsTable(finished, compared))
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

