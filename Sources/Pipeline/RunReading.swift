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
        let seed = seed ?? configuration.seeds[0]
        guard configuration.seeds.contains(seed) else { throw CollapseError("the run has no seed \(seed)", path: path) }
        let corpus = try Corpus(path: configuration.corpusPath)
        let prompt = try blockText(corpus.blocksPath(.train), index: block, vocabulary: corpus.vocabulary)
        var text = "Prompt (real training block \(block)):\n  \(prompt)\n"
        for k in generations ?? Array(0..<configuration.generations) {
            guard k >= 0 && k < configuration.generations else { throw CollapseError("the run has no generation \(k)", path: path) }
            let file = "\(path)/seed-\(seed)/gen-\(k)/corpus.blocks"
            guard FileSystem.exists(file) else { text += "Gen \(k): (not written yet)\n"; continue }
            text += "Gen \(k):\n  \(try blockText(file, index: block, vocabulary: corpus.vocabulary))\n"
        }
        return text
    }

    private func blockText(_ file: String, index: Int, vocabulary: Vocabulary) throws -> String {
        let reader = try BlockFileReader(path: file, vocabulary: vocabulary)
        guard index >= 0 && index < reader.blockCount else {
            throw CollapseError("block \(index) is out of range (0..<\(reader.blockCount))", path: file)
        }
        var found: [Int32] = []
        var position = 0
        try reader.forEachBlock { ids in
            if position == index { found = Array(ids) }
            position += 1
        }
        return vocabulary.text(of: found)
    }

    /// `collapse compare`: per generation, mean over seeds of test perplexity and of p1/p50/p99
    /// of per-sequence perplexity under generation 0, one column group per run.
    public static func comparison(_ runs: [RunDirectory]) throws -> String {
        var header = ["gen"]
        var columns: [[Int: [String]]] = []
        for run in runs {
            let name = run.configuration.name
            header += ["\(name) test ppl", "p1", "p50", "p99"]
            var byGeneration: [Int: [String]] = [:]
            let perSeed = try run.configuration.seeds.map { try run.metrics(seed: $0) }
            let generations = perSeed.map(\.count).min() ?? 0
            for k in 0..<generations {
                func mean(_ value: (GenerationMetrics) -> Double) -> String {
                    Format.fixed(perSeed.map { value($0[k]) }.reduce(0, +) / Double(perSeed.count), digits: 1)
                }
                byGeneration[k] = [mean(\.testPerplexity), mean(\.generated.p1), mean(\.generated.p50), mean(\.generated.p99)]
            }
            columns.append(byGeneration)
        }
        var table = TextTable(header: header)
        let last = columns.flatMap(\.keys).max() ?? -1
        if last >= 0 {
            for k in 0...last {
                table.append(["\(k)"] + columns.flatMap { $0[k] ?? ["-", "-", "-", "-"] })
            }
        }
        return table.render()
    }
}
