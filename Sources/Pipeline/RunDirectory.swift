import Evaluation
import CorpusStore
import Foundation
import Reporting
import Storage
import Tokenization

/// Reading a finished (or partial) run directory: its configuration, metrics and texts.
public struct RunDirectory {
    public let path: String
    public let manifest: RunManifest

    /// Opens a run, checking every recorded file first (`audit`).
    public init(path: String) throws {
        try self.init(path: path, audited: true)
    }

    /// - Parameter audited: check every recorded file first (as every reader does); the run's
    ///   own writer, about to rewrite its run files, reads without.
    init(path: String, audited: Bool) throws {
        guard FileSystem.isDirectory(path) else { throw CollapseError("no such run directory", path: path) }
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        manifest = try RunManifest.load(in: self.path)
        if audited { try audit() }
    }

    /// Files up to this size are checked against the manifest whenever a run is opened.
    static let auditedSize = 4 << 20

    /// Every file the manifest records is on disk, and those small enough to read at once
    /// (configurations, metrics, tables) hold their recorded bytes: a reader never reports from
    /// an edited or deleted file. Models and corpora are checked by whoever reads them.
    /// - Complexity: one `stat` per recorded file, and reading the small ones.
    private func audit() throws {
        let recorded = manifest.stages.values.flatMap(\.outputs) + (manifest.files ?? [:]).map { ($0.key, $0.value) }
        for (file, checksum) in recorded.sorted(by: { $0.0 < $1.0 }) {
            _ = try check(file, against: checksum, bytesUpTo: Self.auditedSize)
        }
    }

    public var configuration: RunConfiguration { manifest.configuration }

    /// The run's corpus, checked to be the one the run used.
    public func corpus() throws -> Corpus {
        let corpus = try Corpus(path: configuration.corpusPath)
        try manifest.check(corpus: corpus, attributedTo: path)
        return corpus
    }

    /// The metrics of every finished generation of `seed`, in order, each checked against the
    /// manifest: a damaged file is an error that says how to recompute it.
    public func metrics(seed: UInt64) throws -> [GenerationMetrics] {
        var result: [GenerationMetrics] = []
        for k in 0..<configuration.generations {
            guard let file = try verifiedPath("seed-\(seed)/gen-\(k)/metrics.json") else { break }
            result.append(try Self.metrics(at: file))
        }
        return result
    }

    /// The metrics of every seed that finished at least one generation, by seed.
    func finishedMetrics() throws -> [(seed: UInt64, metrics: [GenerationMetrics])] {
        try configuration.seeds.map { ($0, try metrics(seed: $0)) }.filter { !$0.1.isEmpty }
    }

    /// The path of a run file, if a finished stage recorded it, after checking its bytes
    /// against the manifest; nil for a file no finished stage wrote (not written yet).
    func verifiedPath(_ file: String) throws -> String? {
        guard let checksum = manifest.recordedChecksum(of: file) else { return nil }
        return try check(file, against: checksum, bytesUpTo: .max)
    }

    /// The full path of `file` after checking that it exists and, when no larger than
    /// `limit` bytes, that it holds the bytes the manifest recorded.
    private func check(_ file: String, against checksum: String, bytesUpTo limit: Int) throws -> String {
        let full = "\(path)/\(file)"
        guard FileSystem.exists(full) else {
            throw CollapseError("missing, although the run's manifest records it; recompute it with `collapse run \(path) --resume`", path: full)
        }
        if try InputFile(path: full).size <= limit, try fileChecksum(full) != checksum {
            throw CollapseError("damaged: its checksum differs from the run's manifest; recompute it with `collapse run \(path) --resume`", path: full)
        }
        return full
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
        for (seed, finished) in try finishedMetrics() {
            for m in finished {
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
}

extension RunDirectory {
    /// The per-sequence perplexities under generation 0 of what generation `generation` of
    /// `seed` wrote (nil until its evaluation finished), checked against the manifest.
    public func generatedPerplexities(seed: UInt64, generation: Int) throws -> [Double]? {
        try sequenceValues("seed-\(seed)/gen-\(generation)/sequence-perplexity.tsv")
    }

    /// The real training blocks' perplexities under `seed`'s generation 0.
    public func referencePerplexities(seed: UInt64) throws -> [Double]? {
        try sequenceValues("seed-\(seed)/gen-0/reference-perplexity.tsv")
    }

    /// The continuations generation `generation` of `seed` wrote (nil until written), verified.
    public func continuations(seed: UInt64, generation: Int) throws -> Blocks? {
        guard let path = try verifiedPath("seed-\(seed)/gen-\(generation)/corpus.blocks") else { return nil }
        return try BlockFileReader(path: path, vocabulary: try corpus().vocabulary).blocks()
    }
}
