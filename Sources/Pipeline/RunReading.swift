import CorpusStore
import Foundation
import Reporting
import Storage
import Tokenization

/// Reading a finished (or partial) run directory: its configuration, metrics and texts.
public struct RunDirectory {
    public let path: String
    public let manifest: RunManifest

    public init(path: String) throws {
        guard FileSystem.isDirectory(path) else { throw CollapseError("no such run directory", path: path) }
        self.path = path
        manifest = try RunManifest.load(in: path)
    }

    public var configuration: RunConfiguration { manifest.configuration }

    /// The metrics of every finished generation of `seed`, in order.
    public func metrics(seed: UInt64) throws -> [GenerationMetrics] {
        var result: [GenerationMetrics] = []
        for k in 0..<configuration.generations {
            let file = "\(path)/seed-\(seed)/gen-\(k)/metrics.json"
            guard FileSystem.exists(file) else { break }
            result.append(try Self.metrics(at: file))
        }
        return result
    }

    static func metrics(at file: String) throws -> GenerationMetrics {
        do {
            return try JSONDecoder().decode(GenerationMetrics.self, from: Data(InputFile(path: file).readAll()))
        } catch let error as CollapseError { throw error } catch {
            throw CollapseError("not valid generation metrics", path: file)
        }
    }

    /// Every metric of every finished generation in long format, for plotting elsewhere:
    /// `run, seed, generation, metric, value` (TSV with a header).
    public func longMetricsTable() throws -> String {
        var text = "run\tseed\tgeneration\tmetric\tvalue\n"
        for seed in configuration.seeds {
            for m in try metrics(seed: seed) {
                let rows: [(String, Double)] = [
                    ("test_perplexity", m.testPerplexity), ("test_sentence_perplexity", m.testSentencePerplexity ?? .nan),
                    ("p1", m.generated.p1), ("p5", m.generated.p5), ("p50", m.generated.p50), ("p95", m.generated.p95), ("p99", m.generated.p99),
                    ("below_reference_p1", m.belowReferenceP1), ("above_reference_p99", m.aboveReferenceP99),
                    ("tail_survival_1", m.corpus.tailSurvival.seenOnce ?? .nan), ("tail_survival_2_10", m.corpus.tailSurvival.seenTwoToTen ?? .nan),
                    ("tail_survival_11_100", m.corpus.tailSurvival.seenElevenToHundred ?? .nan), ("distinct_types", Double(m.corpus.distinctTypes)),
                    ("unigram_kl", m.corpus.unigramKL), ("distinct_1", m.corpus.distinct1), ("distinct_2", m.corpus.distinct2),
                    ("distinct_3", m.corpus.distinct3), ("repeated_4gram_rate", m.corpus.repeatedFourGramRate),
                    ("zstd_ratio", m.corpus.compressionRatio),
                ]
                // Undefined values (no such types in the real data) are written NA, as R and pandas read them.
                for (name, value) in rows {
                    text += "\(configuration.name)\t\(seed)\t\(m.generation)\t\(name)\t\(value.isNaN ? "NA" : "\(value)")\n"
                }
            }
        }
        return text
    }

    /// `collapse samples`: prompt block `block` and each listed generation's continuation of it.
    public func samples(block: Int, generations: [Int]?, seed: UInt64?) throws -> String {
        try samples(blocks: [block], generations: generations, seed: seed)[0]
    }

    /// `samples(block:)` for several prompts, reading each block file once.
    public func samples(blocks: [Int], generations: [Int]?, seed: UInt64?) throws -> [String] {
        let seed = seed ?? configuration.seeds[0]
        guard configuration.seeds.contains(seed) else { throw CollapseError("the run has no seed \(seed)", path: path) }
        let shown = generations ?? Array(0..<configuration.generations)
        if let missing = shown.first(where: { $0 < 0 || $0 >= configuration.generations }) {
            throw CollapseError("the run has no generation \(missing)", path: path)
        }
        let corpus = try Corpus(path: configuration.corpusPath)
        let prompts = try blockTexts(corpus.blocksPath(.train), indices: blocks, vocabulary: corpus.vocabulary)
        var texts = blocks.map { "Prompt (real training block \($0)):\n  \(prompts[$0]!)\n" }
        for k in shown {
            let file = "\(path)/seed-\(seed)/gen-\(k)/corpus.blocks"
            guard FileSystem.exists(file) else {
                for index in texts.indices { texts[index] += "Gen \(k): (not written yet)\n" }
                continue
            }
            let continuations = try blockTexts(file, indices: blocks, vocabulary: corpus.vocabulary)
            for (index, block) in blocks.enumerated() { texts[index] += "Gen \(k):\n  \(continuations[block]!)\n" }
        }
        return texts
    }

    /// The text of the blocks at `indices`, in one verified pass over the file.
    private func blockTexts(_ file: String, indices: [Int], vocabulary: Vocabulary) throws -> [Int: String] {
        let reader = try BlockFileReader(path: file, vocabulary: vocabulary)
        if let bad = indices.first(where: { $0 < 0 || $0 >= reader.blockCount }) {
            throw CollapseError("block \(bad) is out of range (0..<\(reader.blockCount))", path: file)
        }
        let wanted = Set(indices)
        var texts: [Int: String] = [:]
        var position = 0
        try reader.forEachBlock { ids in
            if wanted.contains(position) { texts[position] = vocabulary.text(of: ids) }
            position += 1
        }
        return texts
    }

    /// One run's generation in a comparison: means over the run's seeds.
    public struct ComparisonRow: Codable, Sendable, Equatable {
        public var run: String
        public var generation: Int
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

    /// Every finished generation (finished for all seeds) of every run.
    public static func comparisonRows(_ runs: [RunDirectory]) throws -> [ComparisonRow] {
        var rows: [ComparisonRow] = []
        for run in runs {
            let perSeed = try run.configuration.seeds.map { try run.metrics(seed: $0) }
            let generations = perSeed.map(\.count).min() ?? 0
            for k in 0..<generations {
                func mean(_ value: (GenerationMetrics) -> Double) -> Double {
                    perSeed.map { value($0[k]) }.reduce(0, +) / Double(perSeed.count)
                }
                func optionalMean(_ value: (GenerationMetrics) -> Double?) -> Double? {
                    let values = perSeed.compactMap { value($0[k]) }
                    return values.count == perSeed.count ? values.reduce(0, +) / Double(values.count) : nil
                }
                rows.append(ComparisonRow(
                    run: run.configuration.name, generation: k, testPerplexity: mean(\.testPerplexity),
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
        var text = "run\tgeneration\ttest_perplexity\tp1\tp50\tp99\tbelow_reference_p1\tabove_reference_p99\ttail_survival_2_10\ttail_survival_11_100\tunigram_kl\tdistinct_2\n"
        for row in rows {
            text += [row.run, "\(row.generation)", value(row.testPerplexity), value(row.p1), value(row.p50), value(row.p99),
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
            let metrics = try run.metrics(seed: run.configuration.seeds[0])
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
