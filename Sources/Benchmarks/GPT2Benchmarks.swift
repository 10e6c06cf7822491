import CorpusStore
import Foundation
import GPT2
import LanguageModeling
import NeuralNetworks
import Reporting
import Storage
import Tokenization

/// The transformer's speed beside its ceiling and beside PyTorch, in one run on one machine:
///
/// - the ceiling: the time every matrix product of a step would take at OpenBLAS's own sgemm
///   rate on the model's shapes (measured here, each shape alone), as tokens/s and sequences/s;
/// - ours: training tokens/s (whole optimizer steps) and per-sequence scoring of 64-token blocks;
/// - PyTorch (with `reference`): the same model, data and recipe in PyTorch and transformers,
///   run as a child process by the script `Reference/pytorch_gpt2.py`.
public struct GPT2Benchmark {
    public var corpus: Corpus
    public var configuration: GPT2Configuration
    public var batchSize = 32
    public var threads = 2
    public var steps = 10
    public var repeats = 3
    /// Rounds of the training part: each measures the ceiling, ours and PyTorch's in turn, and
    /// each figure is its best round (this machine's speed drifts by tens of percent within a
    /// minute, and only ever downwards from what it can do).
    public var rounds = 3
    /// The Python of a virtual environment with torch, transformers, numpy and safetensors.
    public var referencePython: String?
    /// `pytorch_gpt2.py`.
    public var referenceScript: String
    /// What to measure.
    public var parts: Set<Part> = [.training, .decoding, .parity]
    /// The wall-clock budget of each side of `.quality`.
    public var qualitySeconds = 600.0
    /// `.quality` trains this many steps on each side instead of for `qualitySeconds`.
    public var qualitySteps: Int?
    /// The seed of both sides of `.quality`.
    public var qualitySeed: UInt64 = 1
    /// `.quality`'s PyTorch side starts from our initial weights and block order.
    public var qualitySameStart = false
    /// Where `.quality` writes both validation curves (TSV).
    public var curvesPath = "bench-curves.tsv"

    public enum Part: String, CaseIterable, Sendable {
        /// Training steps and per-sequence scoring, with their ceiling.
        case training
        /// Beam-search decoding beside Hugging Face `generate`.
        case decoding
        /// Training steps beside PyTorch's from the same weights on the same batches (with a
        /// reference only).
        case parity
        /// Test perplexity after the same wall time of training as PyTorch (not by default:
        /// twice `qualitySeconds`).
        case quality
    }

    public init(corpus: Corpus, layers: Int = 2, width: Int = 128, heads: Int = 2, context: Int = 128, referencePython: String?,
                referenceScript: String) {
        self.corpus = corpus
        configuration = GPT2Configuration(layers: layers, width: width, heads: heads, context: context, vocabularySize: corpus.vocabulary.count)
        self.referencePython = referencePython
        self.referenceScript = referenceScript
    }

    var length: Int { corpus.manifest.blockSize }

    /// `Reference/pytorch_gpt2.py` in the source tree the executable was built from
    /// (`.build/<configuration>/collapse` sits two levels below the package).
    public static func locateScript(near executable: String) throws -> String {
        var directory = FileSystem.parent(of: executable)
        for _ in 0..<5 {
            let candidate = "\(directory)/Sources/Benchmarks/Reference/pytorch_gpt2.py"
            if FileSystem.exists(candidate) { return candidate }
            directory = FileSystem.parent(of: directory)
        }
        throw CollapseError("cannot find Sources/Benchmarks/Reference/pytorch_gpt2.py above the executable", path: executable)
    }

    public func run() throws -> [Measurement] {
        Parallel.threads = threads
        var results: [Measurement] = []
        if parts.contains(.training) { results += try measureTraining() }
        if parts.contains(.decoding) {
            var decoding = GPT2DecodingBenchmark(corpus: corpus, configuration: configuration)
            decoding.threads = threads
            results += try decoding.run(reference: referencePython.map { ReferenceScript(python: $0, script: referenceScript) })
        }
        if parts.contains(.parity), let referencePython {
            var parity = GPT2ParityBenchmark(corpus: corpus, configuration: configuration)
            parity.threads = threads
            results += try parity.run(reference: ReferenceScript(python: referencePython, script: referenceScript))
        }
        if parts.contains(.quality) {
            var quality = GPT2QualityBenchmark(corpus: corpus, configuration: configuration)
            quality.threads = threads
            quality.seconds = qualitySeconds
            quality.steps = qualitySteps
            quality.seed = qualitySeed
            quality.sameStart = qualitySameStart
            results += try quality.run(reference: referencePython.map { ReferenceScript(python: $0, script: referenceScript) },
                                       curvesPath: curvesPath)
        }
        return results
    }

    func measureTraining() throws -> [Measurement] {
        let train = TrainingSequences(try corpus.blocks(.train).blocks())
        let stage = "gpt2 \(configuration.layers)L/\(configuration.width)d/\(configuration.heads)h, V \(configuration.vocabularySize), batch \(batchSize)×\(length), \(threads) threads"
        let ceiling = GEMMCeiling(configuration: configuration, repeats: repeats, threads: threads)
        let trainingShapes = ceiling.trainingShapes(rows: batchSize * length, length: length, backward: true)
        let scoringShapes = ceiling.trainingShapes(rows: batchSize * length, length: length, backward: false)
        var trainingCeiling = (seconds: Double.infinity, flops: 0.0), scoringCeiling = (seconds: Double.infinity, flops: 0.0)
        var ours = (training: 0.0, scoring: 0.0)
        var reference: (training: Double, scoring: Double)?
        for _ in 0..<max(1, rounds) {
            trainingCeiling = [trainingCeiling, ceiling.seconds(trainingShapes)].min { $0.seconds < $1.seconds } ?? trainingCeiling
            scoringCeiling = [scoringCeiling, ceiling.seconds(scoringShapes)].min { $0.seconds < $1.seconds } ?? scoringCeiling
            let round = try measureOurs(train)
            ours = (max(ours.training, round.training), max(ours.scoring, round.scoring))
            if referencePython != nil {
                let theirs = try measureReference(train)
                reference = (max(reference?.training ?? 0, theirs.training), max(reference?.scoring ?? 0, theirs.scoring))
            }
        }
        let peak = FMAPeak.flops(threads: threads, repeats: repeats)
        var results = [
            Measurement(stage: stage, metric: "ceiling: training (GEMMs at sgemm rate)", value: Double(batchSize * length) / trainingCeiling.seconds, unit: "tokens/s"),
            Measurement(stage: stage, metric: "ceiling: scoring (GEMMs at sgemm rate)", value: Double(batchSize) / scoringCeiling.seconds, unit: "sequences/s"),
            Measurement(stage: stage, metric: "sgemm rate on the training step's shapes", value: trainingCeiling.flops / trainingCeiling.seconds / 1e9, unit: "GFLOP/s"),
            Measurement(stage: stage, metric: "FMA peak of \(threads) cores (register-only loop)", value: peak / 1e9, unit: "GFLOP/s"),
            Measurement(stage: stage, metric: "sgemm rate on the training step's shapes, share of the FMA peak",
                        value: 100 * trainingCeiling.flops / trainingCeiling.seconds / peak, unit: "%"),
        ]
        let trainingCeilingRate = Double(batchSize * length) / trainingCeiling.seconds, scoringCeilingRate = Double(batchSize) / scoringCeiling.seconds
        results += [
            Measurement(stage: stage, metric: "ours: training", value: ours.training, unit: "tokens/s"),
            Measurement(stage: stage, metric: "ours: training, share of the ceiling", value: 100 * ours.training / trainingCeilingRate, unit: "%",
                        goal: .atLeast(95, in: "training speed")),
            Measurement(stage: stage, metric: "ours: scoring 64-token blocks", value: ours.scoring, unit: "sequences/s"),
            Measurement(stage: stage, metric: "ours: scoring, share of the ceiling", value: 100 * ours.scoring / scoringCeilingRate, unit: "%",
                        goal: .atLeast(95, in: "scoring speed")),
        ]
        if let reference {
            results += [
                Measurement(stage: stage, metric: "PyTorch: training", value: reference.training, unit: "tokens/s"),
                Measurement(stage: stage, metric: "PyTorch: scoring 64-token blocks", value: reference.scoring, unit: "sequences/s"),
                Measurement(stage: stage, metric: "ours ÷ PyTorch: training", value: ours.training / reference.training, unit: "x",
                            goal: .atLeast(1.5, in: "training speed")),
                Measurement(stage: stage, metric: "ours ÷ PyTorch: scoring", value: ours.scoring / reference.scoring, unit: "x",
                            goal: .atLeast(1.5, in: "scoring speed")),
                Measurement(stage: stage, metric: "ceiling ÷ PyTorch: training", value: trainingCeilingRate / reference.training, unit: "x"),
                Measurement(stage: stage, metric: "ceiling ÷ PyTorch: scoring", value: scoringCeilingRate / reference.scoring, unit: "x"),
            ]
        }
        return results
    }

    /// Training tokens/s (best of `repeats` rounds of `steps` optimizer steps, after warm-up
    /// steps) and scoring sequences/s (best of `repeats` passes over 8 batches).
    func measureOurs(_ train: TrainingSequences) throws -> (training: Double, scoring: Double) {
        var settings = TrainingSettings()
        settings.batchSize = batchSize
        let timing = try GPT2Training.measureSpeed(configuration: configuration, blocks: train, settings: settings,
                                                    steps: steps, repeats: repeats)
        let model = try GPT2LanguageModel(configuration: configuration, vocabulary: corpus.vocabulary,
                                          parameters: GPT2Layout(configuration).initialized(seed: 1))
        let blocks = train.prefix(64 * 8)
        _ = try model.score(blocks.prefix(64), mode: .block)
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = monotonicSeconds()
            _ = try model.score(blocks, mode: .block)
            best = min(best, monotonicSeconds() - start)
        }
        return (Double(batchSize * length) / timing, Double(blocks.count) / best)
    }

    /// PyTorch's figures from the reference script, on the same blocks.
    func measureReference(_ train: TrainingSequences) throws -> (training: Double, scoring: Double) {
        guard let python = referencePython else { throw CollapseError("no reference Python given") }
        let directory = "\(NSTemporaryDirectory())collapse-bench-reference-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory(directory)
        defer { try? FileSystem.remove(directory) }
        let data = "\(directory)/train.bin"
        try writeRawIDs(train, to: data)
        let fields = try ReferenceScript(python: python, script: referenceScript).run([
            "speed", "--train", data, "--vocab-size", "\(configuration.vocabularySize)", "--layers", "\(configuration.layers)",
            "--width", "\(configuration.width)", "--heads", "\(configuration.heads)", "--context", "\(configuration.context)",
            "--batch", "\(batchSize)", "--length", "\(length)", "--threads", "\(threads)", "--steps", "\(steps)", "--repeats", "\(repeats)"])
        return (try ReferenceScript.number(fields, "training_tokens_per_second"), try ReferenceScript.number(fields, "scoring_sequences_per_second"))
    }
}
