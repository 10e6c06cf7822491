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
    /// The Python of a virtual environment with torch, transformers, numpy and safetensors.
    public var referencePython: String?
    /// `pytorch_gpt2.py`.
    public var referenceScript: String

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
        BLAS.setThreads(threads)
        Parallel.threads = threads
        let train = TrainingSequences(try corpus.blocks(.train).blocks())
        let stage = "gpt2 \(configuration.layers)L/\(configuration.width)d/\(configuration.heads)h, V \(configuration.vocabularySize), batch \(batchSize)×\(length), \(threads) threads"
        let ceiling = GEMMCeiling(configuration: configuration, rows: batchSize * length, length: length, repeats: repeats)
        let trainingCeiling = try ceiling.seconds(backward: true), scoringCeiling = try ceiling.seconds(backward: false)
        var results = [
            Measurement(stage: stage, metric: "ceiling: training (GEMMs at sgemm rate)", value: Double(batchSize * length) / trainingCeiling.seconds, unit: "tokens/s"),
            Measurement(stage: stage, metric: "ceiling: scoring (GEMMs at sgemm rate)", value: Double(batchSize) / scoringCeiling.seconds, unit: "sequences/s"),
            Measurement(stage: stage, metric: "sgemm rate on the training step's shapes", value: trainingCeiling.flops / trainingCeiling.seconds / 1e9, unit: "GFLOP/s"),
        ]
        var ours = try measureOurs(train)
        var reference: (training: Double, scoring: Double)?
        if referencePython != nil {
            reference = try measureReference(train)
            // Ours again after PyTorch: the best of both rounds, so neither side gets only a quiet or a busy moment.
            let again = try measureOurs(train)
            ours = (max(ours.training, again.training), max(ours.scoring, again.scoring))
        }
        let trainingCeilingRate = Double(batchSize * length) / trainingCeiling.seconds, scoringCeilingRate = Double(batchSize) / scoringCeiling.seconds
        results += [
            Measurement(stage: stage, metric: "ours: training", value: ours.training, unit: "tokens/s"),
            Measurement(stage: stage, metric: "ours: training, share of the ceiling", value: 100 * ours.training / trainingCeilingRate, unit: "%"),
            Measurement(stage: stage, metric: "ours: scoring 64-token blocks", value: ours.scoring, unit: "sequences/s"),
            Measurement(stage: stage, metric: "ours: scoring, share of the ceiling", value: 100 * ours.scoring / scoringCeilingRate, unit: "%"),
        ]
        if let reference {
            results += [
                Measurement(stage: stage, metric: "PyTorch: training", value: reference.training, unit: "tokens/s"),
                Measurement(stage: stage, metric: "PyTorch: scoring 64-token blocks", value: reference.scoring, unit: "sequences/s"),
                Measurement(stage: stage, metric: "ours ÷ PyTorch: training", value: ours.training / reference.training, unit: "x"),
                Measurement(stage: stage, metric: "ours ÷ PyTorch: scoring", value: ours.scoring / reference.scoring, unit: "x"),
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
        _ = model.score(blocks.prefix(64), mode: .block)
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = monotonicSeconds()
            _ = model.score(blocks, mode: .block)
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
        let output = try runReference(python, ["speed", "--train", data, "--vocab-size", "\(configuration.vocabularySize)",
                                               "--layers", "\(configuration.layers)", "--width", "\(configuration.width)",
                                               "--heads", "\(configuration.heads)", "--context", "\(configuration.context)",
                                               "--batch", "\(batchSize)", "--length", "\(length)", "--threads", "\(threads)",
                                               "--steps", "\(steps)", "--repeats", "\(repeats)"])
        guard case .object(let fields) = try JSONValue.parse(Array(output.utf8)),
              case .number(let training)? = fields["training_tokens_per_second"], case .number(let scoring)? = fields["scoring_sequences_per_second"],
              let trainingRate = Double(training), let scoringRate = Double(scoring) else {
            throw CollapseError("unexpected output from the reference: \(output.prefix(200))")
        }
        return (trainingRate, scoringRate)
    }

    /// Runs the reference script with malloc tuned to reuse memory (as PyTorch wants); returns
    /// its last line of output.
    func runReference(_ python: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [referenceScript] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GLIBC_TUNABLES"] = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CollapseError("the reference benchmark failed (status \(process.terminationStatus))", path: referenceScript) }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
    }
}

/// Blocks as raw little-endian int32, the reference script's input.
func writeRawIDs(_ sequences: TrainingSequences, to path: String) throws {
    let file = try OutputFile(path: path)
    try sequences.tokens.withUnsafeBytes { try file.write($0) }
    try file.commit()
}

/// The time a step's matrix products take at OpenBLAS's rate on each shape, measured alone.
struct GEMMCeiling {
    struct Shape: Hashable {
        var m, n, k: Int
        var transposeA, transposeB: Bool
    }

    let configuration: GPT2Configuration
    let rows: Int
    let length: Int
    let repeats: Int

    /// Every product of a forward pass (and, with `backward`, of its gradient) with its count.
    func shapes(backward: Bool) -> [Shape: Int] {
        let (n, c, v, l) = (rows, configuration.width, configuration.vocabularySize, configuration.layers)
        let pairs = rows / length * configuration.heads, size = configuration.headSize
        var shapes: [Shape: Int] = [:]
        func add(_ shape: Shape, _ count: Int) { shapes[shape, default: 0] += count }
        add(Shape(m: n, n: v, k: c, transposeA: false, transposeB: true), 1)
        for (inputs, outputs) in [(c, 3 * c), (c, c), (c, 4 * c), (4 * c, c)] {
            add(Shape(m: n, n: outputs, k: inputs, transposeA: false, transposeB: false), l)
            if backward {
                add(Shape(m: n, n: inputs, k: outputs, transposeA: false, transposeB: true), l)
                add(Shape(m: inputs, n: outputs, k: n, transposeA: true, transposeB: false), l)
            }
        }
        // Attention: scores q·kᵀ and the weighted sum of values, per sequence and head.
        add(Shape(m: length, n: length, k: size, transposeA: false, transposeB: true), l * pairs)
        add(Shape(m: length, n: size, k: length, transposeA: false, transposeB: false), l * pairs)
        if backward {
            add(Shape(m: n, n: c, k: v, transposeA: false, transposeB: false), 1)
            add(Shape(m: v, n: c, k: n, transposeA: true, transposeB: false), 1)
            add(Shape(m: length, n: size, k: length, transposeA: false, transposeB: false), 2 * l * pairs)
            add(Shape(m: length, n: length, k: size, transposeA: false, transposeB: true), l * pairs)
            add(Shape(m: length, n: size, k: length, transposeA: true, transposeB: false), l * pairs)
        }
        return shapes
    }

    /// Seconds and floating-point operations of one step's products at sgemm's rate.
    func seconds(backward: Bool) throws -> (seconds: Double, flops: Double) {
        var total = 0.0, flops = 0.0
        for (shape, count) in shapes(backward: backward) {
            total += time(shape) * Double(count)
            flops += 2 * Double(shape.m * shape.n * shape.k) * Double(count)
        }
        return (total, flops)
    }

    /// Best of `repeats` (at least 3 calls each, more for tiny shapes) of one product.
    func time(_ shape: Shape) -> Double {
        let a = TensorBuffer<Float>(count: shape.m * shape.k, value: 0.01), b = TensorBuffer<Float>(count: shape.k * shape.n, value: 0.02)
        let c = TensorBuffer<Float>(count: shape.m * shape.n)
        let calls = max(1, 20_000_000 / max(1, shape.m * shape.n * shape.k))
        var best = Double.infinity
        for _ in 0..<(repeats + 1) {
            let start = monotonicSeconds()
            for _ in 0..<calls {
                Float.gemm(transposeA: shape.transposeA, transposeB: shape.transposeB, m: shape.m, n: shape.n, k: shape.k, alpha: 1,
                           a: a.pointer, lda: shape.transposeA ? shape.m : shape.k, b: b.pointer, ldb: shape.transposeB ? shape.k : shape.n,
                           beta: 0, c: c.pointer, ldc: shape.n)
            }
            best = min(best, (monotonicSeconds() - start) / Double(calls))
        }
        return best
    }
}
