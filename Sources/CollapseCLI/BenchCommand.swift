import ArgumentParser
import Benchmarks
import CorpusStore
import Foundation
import GPT2
import NeuralNetworks
import Pipeline
import Reporting
import Settings
import Storage

extension GPT2Benchmark.Part: ExpressibleByArgument {}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure stage throughputs; print a table and write JSON.")

    @Option(help: "WikiText-2 directory (default: $WIKITEXT2_DIR).")
    var wikitext: String?
    @Option(help: "Where to write the JSON results.")
    var out = "bench.json"
    @Option(help: "Repetitions per measurement (the best is reported).")
    var repeats = 3
    @Option(name: .customLong("run"), help: "Also time recomputing all metrics of this run (e.g. the 10-generation default run).")
    var runDirectory: String?
    @Option(help: "Also measure the transformer (2 layers, 128 wide, 2 heads) on this corpus (e.g. Corpora/wikitext-2).")
    var gpt2: String?
    @Option(help: "With --gpt2: the Python of a virtual environment with torch, transformers, numpy and safetensors, to run PyTorch side by side.")
    var reference: String?
    @Flag(help: "Skip the tokenizer, store and n-gram figures.")
    var skipNgram = false
    @Option(help: "KenLM's binaries (lmplz, build_binary, query): the order-5 n-gram's training and scoring beside KenLM's, in the same run.")
    var kenlm: String?
    @Option(help: "Threads for the transformer's figures.")
    var threads = 2
    @Option(help: "With --gpt2: what to measure (repeat the option for several): training, decoding, parity (with --reference: weights after the same steps as PyTorch from the same start), quality (test perplexity after --gpt2-seconds of training, ours then PyTorch's). (default: training, decoding and parity)")
    var gpt2Part: [GPT2Benchmark.Part] = []
    @Option(help: "With --gpt2-part quality: the wall-clock budget of each side's training, in seconds (default: 600).")
    var gpt2Seconds: Double?
    @Option(help: "With --gpt2-part quality: train exactly this many steps on each side instead of --gpt2-seconds (the same tokens for both).")
    var gpt2Steps: Int?
    @Option(help: "With --gpt2-part quality: the seed of both sides' initialization and shuffling.")
    var gpt2Seed: UInt64 = 1
    @Flag(help: "With --gpt2-part quality: PyTorch starts from our initial weights and visits the blocks in our order (the runs then differ only in arithmetic).")
    var gpt2SameStart = false
    @Flag(name: .customLong("check"), help: "Exit with status 1 when a figure misses its goal (every goal is a ratio to a reference or a share of a ceiling measured in the same run).")
    var judge = false

    func validate() throws {
        try check(repeats, CommandLimits.repeats)
        try check(threads, RunLimits.threads)
        if let gpt2Seconds { try check(gpt2Seconds, GPT2Limits.seconds, as: "--gpt2-seconds") }
        if let gpt2Steps { try check(gpt2Steps, GPT2Limits.steps, as: "--gpt2-steps") }
        guard gpt2Seconds == nil || gpt2Steps == nil else { throw ValidationError("--gpt2-seconds and --gpt2-steps contradict each other: give one") }
        let transformerOptions = !gpt2Part.isEmpty || gpt2Seconds != nil || gpt2Steps != nil || gpt2SameStart
        guard gpt2 != nil || !transformerOptions else { throw ValidationError("the --gpt2-… options measure the transformer: give --gpt2 CORPUS too") }
        guard wikitext == nil || !skipNgram else { throw ValidationError("--wikitext is the n-gram figures' corpus: leave out --skip-ngram") }
        guard reference != nil || !gpt2SameStart else { throw ValidationError("--gpt2-same-start concerns the PyTorch side: give --reference too") }
        guard reference != nil || !gpt2Part.contains(.parity) else { throw ValidationError("--gpt2-part parity compares with PyTorch: give --reference too") }
        guard reference == nil || gpt2 != nil else { throw ValidationError("--reference compares the transformer: give --gpt2 CORPUS too") }
        guard kenlm == nil || !skipNgram else { throw ValidationError("--kenlm compares the n-gram: leave out --skip-ngram") }
        if let kenlm {
            for tool in ["lmplz", "build_binary", "query"] where !FileManager.default.isExecutableFile(atPath: "\(kenlm)/\(tool)") {
                throw ValidationError("--kenlm: \(kenlm)/\(tool) is not an executable file")
            }
        }
    }

    /// Where the transformer's learning curves go, beside the JSON.
    var curvesPath: String { (out.hasSuffix(".json") ? String(out.dropLast(5)) : out) + "-curves.tsv" }

    func run() throws {
        try OutputPaths.check(outputs: [out] + (gpt2 == nil ? [] : [curvesPath]), inputs: [])
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var results = BenchmarkResults(date: ISO8601DateFormatter().string(from: Date()), corpus: gpt2 ?? "", icuVersion: "", zstdVersion: "",
                                       repeats: repeats, measurements: [])
        if !skipNgram {
            let suite = try BenchmarkSuite(wikiTextDirectory: wikitext ?? BenchmarkSuite.defaultWikiTextDirectory(), repeats: repeats,
                                           executable: executable, kenlmDirectory: kenlm)
            results = try suite.run()
        }
        if let gpt2 {
            var benchmark = GPT2Benchmark(corpus: try Corpus(path: gpt2), referencePython: reference,
                                          referenceScript: try GPT2Benchmark.locateScript(near: executable))
            benchmark.threads = threads
            benchmark.repeats = repeats
            if !gpt2Part.isEmpty { benchmark.parts = Set(gpt2Part) }
            benchmark.qualitySeconds = gpt2Seconds ?? benchmark.qualitySeconds
            benchmark.qualitySteps = gpt2Steps
            benchmark.qualitySeed = gpt2Seed
            benchmark.qualitySameStart = gpt2SameStart
            benchmark.curvesPath = curvesPath
            results.measurements += try benchmark.run()
            results.blasKernels = BLAS.coreName
        }
        if let run = runDirectory {
            let seconds = try RunExecutor.recomputeMetrics(runDirectory: run, threads: ProcessInfo.processInfo.activeProcessorCount,
                                                         registry: .standard).seconds
            results.measurements.append(Measurement(stage: "metrics", metric: "recompute all generations of \(run)", value: seconds, unit: "s"))
            let stages = try RunManifest.stageSeconds(in: run)
            results.measurements += [
                Measurement(stage: "run \(run)", metric: "all stages as recorded",
                            value: stages.values.reduce(0, +), unit: "s"),
                Measurement(stage: "run \(run)", metric: "slowest generation stage",
                            value: stages.filter { $0.key.hasSuffix("/generate") }.values.max() ?? 0, unit: "s"),
            ]
        }
        print(results.rendered(), terminator: "")
        try results.write(to: out)
        print("wrote \(out)")
        let short = results.shortfalls
        if judge && !short.isEmpty {
            let list = short.map { "\($0.stage): \($0.metric) \(Format.fixed($0.value, digits: 3)) (goal \($0.goal?.text ?? ""))" }
            throw CollapseError("\(short.count) goal(s) missed: " + list.joined(separator: "; "), path: out)
        }
    }
}
