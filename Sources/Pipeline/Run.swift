import CorpusStore
import Decoding
import Evaluation
import Foundation
import LanguageModeling
import NGram
import Reporting
import Storage
import Tokenization

/// One generation's evaluation (`gen-k/metrics.json`).
public struct GenerationMetrics: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var generation: Int
    public var trainingBlocks: Int
    /// Block perplexity of the real test split, pooled over all blocks (SPEC §3).
    public var testPerplexity: Double
    public var testTokens: Int
    /// Stream perplexity of the real test lines (n-gram models; nil if the source text is gone).
    public var testSentencePerplexity: Double?
    /// Per-sequence perplexity under generation 0 of the corpus this generation wrote.
    public var generated: PerplexitySummary
    public var generatedHistogram: LogPerplexityHistogram
    /// Shares of the generated sequences below the reference's p1 and above its p99.
    public var belowReferenceP1: Double
    public var aboveReferenceP99: Double
    /// Tail and diversity measures of the corpus this generation wrote.
    public var corpus: CorpusMetrics
    /// The same for the real training blocks (the reference), recorded with generation 0.
    public var reference: PerplexitySummary?
    public var referenceHistogram: LogPerplexityHistogram?
    public var referenceCorpus: CorpusMetrics?
}

/// Runs the recursive pipeline of a configuration (SPEC §1, §2, §7), seed by seed and generation
/// by generation: train model k on the regime's blocks, let it continue every prompt block
/// (the corpus model k+1 learns from), and evaluate it.
///
/// Every file is written atomically and recorded with its checksum in the manifest after its
/// stage; `resume` skips finished stages whose files still match, and recomputes (after saying
/// so) any stage whose files are missing or damaged.
public final class RunExecutor {
    public let configuration: RunConfiguration
    public let directory: String
    let corpus: Corpus
    let threads: Int
    let log = StageLog("run")
    var manifest: RunManifest

    /// Checks everything before touching the run directory: a bad configuration changes nothing.
    public init(configurationPath: String, runsRoot: String, resume: Bool, threads: Int) throws {
        let configuration = try RunConfiguration.load(from: configurationPath)
        let corpus: Corpus
        do {
            corpus = try Corpus(path: configuration.corpusPath)
        } catch let error as CollapseError {
            throw CollapseError("corpus '\(configuration.corpus)': \(error.description)", path: configurationPath)
        }
        guard corpus.manifest.tokenizer == configuration.tokenizer, corpus.manifest.blockSize == configuration.blockSize else {
            throw CollapseError("corpus \(corpus.path) has \(corpus.manifest.tokenizer.rawValue) tokens in blocks of \(corpus.manifest.blockSize), the configuration says \(configuration.tokenizer.rawValue) and \(configuration.blockSize)", path: configurationPath)
        }
        let directory = "\(runsRoot)/\(configuration.name)"
        if FileSystem.exists("\(directory)/\(RunManifest.fileName)") {
            guard resume else { throw CollapseError("run already exists (use --resume to continue it)", path: directory) }
            let existing = try RunManifest.load(in: directory)
            guard existing.configuration == configuration else {
                throw CollapseError("the run was started with a different configuration; use a new name", path: configurationPath)
            }
            guard existing.vocabularyHash == corpus.vocabulary.hash.hexDigits else {
                throw CollapseError("corpus \(corpus.path) has another vocabulary than the run's", path: configurationPath)
            }
            manifest = existing
        } else {
            manifest = RunManifest(configuration: configuration, vocabularyHash: corpus.vocabulary.hash.hexDigits)
        }
        self.configuration = configuration
        self.corpus = corpus
        self.directory = directory
        self.threads = threads
    }

    /// Forgets every finished evaluation, so the next `run()` recomputes all metrics from the
    /// stored models and corpora (nothing is retrained or regenerated).
    public func forgetEvaluations() throws {
        for key in manifest.stages.keys where key.hasSuffix("/evaluate") { manifest.stages[key] = nil }
        try manifest.save(in: directory)
    }

    /// Recomputes a run's metrics from its stored artifacts; returns the seconds it took.
    public static func recomputeMetrics(runDirectory: String, threads: Int) throws -> Double {
        let parent = runDirectory.contains("/") ? String(runDirectory[..<runDirectory.lastIndex(of: "/")!]) : "."
        let executor = try RunExecutor(configurationPath: "\(runDirectory)/config.json", runsRoot: parent, resume: true, threads: threads)
        guard executor.directory == runDirectory || FileSystem.lastComponent(of: executor.directory) == FileSystem.lastComponent(of: runDirectory) else {
            throw CollapseError("config.json names another run (\(executor.configuration.name))", path: runDirectory)
        }
        try executor.forgetEvaluations()
        let start = monotonicSeconds()
        try executor.run()
        return monotonicSeconds() - start
    }

    var decoding: DecodingSettings {
        DecodingSettings(beams: configuration.beams, repetitionPenalty: configuration.repetitionPenalty, newTokens: configuration.newTokens)
    }

    public func run() throws {
        try FileSystem.createDirectory(directory)
        try removeLeftovers(in: directory)
        try FileSystem.writeText(try prettyJSON(configuration), to: "\(directory)/config.json")
        try manifest.save(in: directory)

        let real = try Stages.readBlocks(corpus.blocksPath(.train), vocabulary: corpus.vocabulary).ids
        let test = try Stages.readBlocks(corpus.blocksPath(.test), vocabulary: corpus.vocabulary)
        let realBlocks = sequences(real, length: configuration.blockSize)
        let shared = SharedData(
            real: real, realBlocks: realBlocks, test: sequences(test.ids, length: test.blockSize),
            testSentences: try testSentences(),
            profile: RealProfile(blocks: realBlocks, vocabularySize: corpus.vocabulary.count))
        for seed in configuration.seeds {
            try runSeed(seed, shared)
        }
        try FileSystem.writeText(try RunDirectory(path: directory).longMetricsTable(), to: "\(directory)/metrics.tsv")
        log.note("finished \(directory)")
    }

    /// What every seed and generation reads, prepared once per run.
    struct SharedData {
        var real: [Int32]
        var realBlocks: TrainingSequences
        var test: TrainingSequences
        /// The real test lines for sentence-mode perplexity; nil when the source text is gone.
        var testSentences: TrainingSequences?
        var profile: RealProfile
    }

    func runSeed(_ seed: UInt64, _ shared: SharedData) throws {
        let blockSize = configuration.blockSize
        let real = shared.real
        let realBlocks = shared.realBlocks.count
        var generationZero: NGramLanguageModel?
        for k in 0..<configuration.generations {
            let base = "seed-\(seed)/gen-\(k)"
            try FileSystem.createDirectory("\(directory)/\(base)")
            var model: NGramLanguageModel?

            // Training data for model k, assembled at most once (training, `previous` prompts and
            // evaluation all need it; under `accumulate` it reads every earlier corpus).
            var assembled: TrainingSequences?
            func trainingBlocks() throws -> TrainingSequences {
                if let assembled { return assembled }
                let blocks = try assembleTrainingBlocks()
                assembled = blocks
                return blocks
            }
            func assembleTrainingBlocks() throws -> TrainingSequences {
                if k == 0 { return shared.realBlocks }
                let previous = try readGenerated(seed: seed, generation: k - 1)
                switch configuration.regime {
                case .replace:
                    return sequences(previous, length: configuration.newTokens)
                case .realFraction:
                    let chosen = realSubset(seed: seed, generation: k, count: realBlocks, fraction: configuration.realFraction ?? 0)
                    var result = TrainingSequences()
                    for index in 0..<realBlocks {
                        if chosen[index] {
                            result.append(real[(index * blockSize)..<((index + 1) * blockSize)])
                        } else {
                            result.append(previous[(index * configuration.newTokens)..<((index + 1) * configuration.newTokens)])
                        }
                    }
                    return result
                case .accumulate:
                    var result = shared.realBlocks
                    for earlier in 0..<k {
                        let generated = try readGenerated(seed: seed, generation: earlier)
                        for start in stride(from: 0, to: generated.count, by: configuration.newTokens) {
                            result.append(generated[start..<(start + configuration.newTokens)])
                        }
                    }
                    return result
                }
            }

            let modelFile = "\(base)/model.mcngram"
            try stage("\(base)/train", outputs: [modelFile]) {
                let blocks = try trainingBlocks()
                log.note("seed \(seed) generation \(k): training order \(configuration.order) on \(blocks.count) blocks")
                let trained = try NGramLanguageModel.train(sequences: blocks, vocabulary: corpus.vocabulary, order: configuration.order,
                                                           mode: .block, discountFallback: configuration.discountFallback)
                try trained.save(to: "\(directory)/\(modelFile)")
                model = trained
            }
            func current() throws -> NGramLanguageModel {
                if let model { return model }
                let loaded = try NGramLanguageModel.load(from: "\(directory)/\(modelFile)")
                model = loaded
                return loaded
            }
            if k == 0 { generationZero = try current() }

            try stage("\(base)/generate", outputs: ["\(base)/corpus.blocks", "\(base)/corpus.txt.zst"]) {
                let prompts = configuration.prompts == .original ? shared.realBlocks
                    : firstSequences(try trainingBlocks(), count: realBlocks)
                log.note("seed \(seed) generation \(k): continuing \(prompts.count) prompts")
                _ = try Stages.generate(model: try current(), prompts: prompts, settings: decoding, threads: threads,
                                        outputBase: "\(directory)/\(base)/corpus")
            }

            let outputs = ["\(base)/metrics.json", "\(base)/sequence-perplexity.tsv"] + (k == 0 ? ["\(base)/reference-perplexity.tsv"] : [])
            try stage("\(base)/evaluate", outputs: outputs) {
                guard let zero = generationZero else { throw CollapseError("generation 0 model missing", path: directory) }
                log.note("seed \(seed) generation \(k): evaluating")
                let evaluated = try current()
                let testScore = evaluated.score(shared.test, mode: .block).reduce(into: SequenceScore()) { $0 += $1 }
                let generated = sequences(try readGenerated(seed: seed, generation: k), length: configuration.newTokens)
                let generatedScores = zero.score(generated, mode: .block).map(\.perplexity)
                try writeSequenceTable(generatedScores, to: "\(directory)/\(base)/sequence-perplexity.tsv")
                let reference: PerplexitySummary
                var referenceScores: [Double] = []
                if k == 0 {
                    referenceScores = zero.score(shared.realBlocks, mode: .block).map(\.perplexity)
                    try writeSequenceTable(referenceScores, to: "\(directory)/\(base)/reference-perplexity.tsv")
                    reference = PerplexitySummary(referenceScores)
                } else {
                    guard let recorded = try RunDirectory.metrics(at: "\(directory)/seed-\(seed)/gen-0/metrics.json").reference else {
                        throw CollapseError("generation 0 metrics lack the reference", path: "\(directory)/seed-\(seed)/gen-0/metrics.json")
                    }
                    reference = recorded
                }
                let shares = tailShares(generatedScores, lower: reference.p1, upper: reference.p99)
                let excluded: Set<Int32> = [SpecialToken.startOfSequence.id, SpecialToken.endOfSequence.id]
                var metrics = GenerationMetrics(
                    seed: seed, generation: k, trainingBlocks: try trainingBlocks().count,
                    testPerplexity: testScore.perplexity, testTokens: testScore.tokens,
                    testSentencePerplexity: shared.testSentences.map { sentences in
                        evaluated.score(sentences, mode: .sentence).reduce(into: SequenceScore()) { $0 += $1 }.perplexity
                    },
                    generated: PerplexitySummary(generatedScores), generatedHistogram: LogPerplexityHistogram(generatedScores),
                    belowReferenceP1: shares.below, aboveReferenceP99: shares.above,
                    corpus: CorpusMetrics(corpus: generated, real: shared.profile, excluded: excluded,
                                          textBytes: try decompressedSize("\(directory)/\(base)/corpus.txt.zst"),
                                          compressedBytes: try InputFile(path: "\(directory)/\(base)/corpus.txt.zst").size))
                if k == 0 {
                    metrics.reference = reference
                    metrics.referenceHistogram = LogPerplexityHistogram(referenceScores)
                    metrics.referenceCorpus = CorpusMetrics(corpus: shared.realBlocks, real: shared.profile, excluded: excluded,
                                                            textBytes: try decompressedSize(corpus.textPath(.train)),
                                                            compressedBytes: try InputFile(path: corpus.textPath(.train)).size)
                }
                try FileSystem.writeText(try prettyJSON(metrics), to: "\(directory)/\(base)/metrics.json")
            }
        }
    }

    /// Runs `body` unless the stage finished before and its files are intact.
    func stage(_ key: String, outputs: [String], _ body: () throws -> Void) throws {
        if let done = manifest.stages[key] {
            var damaged: String?
            for (file, checksum) in done.outputs.sorted(by: { $0.key < $1.key }) {
                let path = "\(directory)/\(file)"
                if !FileSystem.exists(path) || (try? fileChecksum(path)) != checksum { damaged = path; break }
            }
            guard let damaged else { return }
            writeToStandardError("\(damaged): missing or damaged (checksum differs from the manifest); recomputing \(key)\n")
            manifest.stages[key] = nil
        }
        let start = monotonicSeconds()
        try body()
        var checksums: [String: String] = [:]
        for file in outputs { checksums[file] = try fileChecksum("\(directory)/\(file)") }
        manifest.stages[key] = RunManifest.Stage(name: key, outputs: checksums, seconds: monotonicSeconds() - start)
        try manifest.save(in: directory)
    }

    // MARK: Helpers

    func sequences(_ ids: [Int32], length: Int) -> TrainingSequences {
        Stages.blocks(ids, length: length)
    }

    func readGenerated(seed: UInt64, generation: Int) throws -> [Int32] {
        try Stages.readBlocks("\(directory)/seed-\(seed)/gen-\(generation)/corpus.blocks", vocabulary: corpus.vocabulary).ids
    }

    func firstSequences(_ all: TrainingSequences, count: Int) -> TrainingSequences {
        var result = TrainingSequences()
        all.forEach { if result.count < count { result.append($0) } }
        return result
    }

    /// A fresh random subset of `fraction`·count block indices for (seed, generation).
    func realSubset(seed: UInt64, generation: Int, count: Int, fraction: Double) -> [Bool] {
        var random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(generation))
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(random.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        var chosen = [Bool](repeating: false, count: count)
        for index in order.prefix(Int((fraction * Double(count)).rounded())) { chosen[index] = true }
        return chosen
    }

    /// The real test split's lines, encoded once; tokens outside the vocabulary get an id no
    /// model knows, so they score as the unknown word (as `collapse ngram score` does).
    func testSentences() throws -> TrainingSequences? {
        guard let source = corpus.manifest.record(for: .test)?.source, FileSystem.exists(source) else { return nil }
        return try TrainingSequences.read(try Zstd.openReading(path: source), tokenizer: try corpus.vocabulary.tokenizer.makeTokenizer(),
                                          vocabulary: corpus.vocabulary, mode: .sentence, unknownID: Int32(corpus.vocabulary.count))
    }

    func writeSequenceTable(_ perplexities: [Double], to path: String) throws {
        var text = "sequence\tperplexity\n"
        for (index, value) in perplexities.enumerated() { text += "\(index)\t\(value)\n" }
        try FileSystem.writeText(text, to: path)
    }

    /// Bytes of a zstd file's content.
    func decompressedSize(_ path: String) throws -> Int {
        var source = try Zstd.openReading(path: path)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return total }
            total += count
        }
    }

    /// Temporary files of a process that was killed mid-write.
    func removeLeftovers(in directory: String) throws {
        for name in try FileSystem.contents(of: directory) {
            let path = "\(directory)/\(name)"
            if FileSystem.isDirectory(path) { try removeLeftovers(in: path) } else if name.contains(".tmp-") { try FileSystem.remove(path) }
        }
    }
}
