import Decoding
import ModelFamilies
import Foundation
import LanguageModeling
import NGram
import Reporting
import Storage
import Tokenization

extension BenchmarkSuite {
    /// Order-5 n-gram figures on WikiText-2 (whitespace tokens, as KenLM's references):
    /// training wall time and peak RSS of a `collapse ngram train` child process, scoring
    /// throughput per CPU-second, and top-5 next-token queries with 64-token penalty sets.
    func measureNGram(trainPath: String, testPath: String, executable: String?) throws -> [Measurement] {
        var results: [Measurement] = []
        let directory = "\(NSTemporaryDirectory())collapse-bench-ngram-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory(directory)
        defer { try? FileSystem.remove(directory) }

        if let executable {
            var best = ChildRun.slowest
            for _ in 0..<repeats {
                best = best.best(try ChildRun(executable, ["ngram", "train", "--order", "5", "--mode", "sentence", "--tokenizer", "whitespace",
                                                           "--train", trainPath, "--out", "\(directory)/o5.mcngram"]))
            }
            results.append(Measurement(stage: "ngram train o5", metric: "wall (text to saved model, child process)", value: best.wall, unit: "s"))
            results.append(Measurement(stage: "ngram train o5", metric: "peak RSS", value: best.peakMiB, unit: "MiB"))
        }

        var trained: NGramLanguageModel?
        let trainTime = try best {
            trained = try NGramLanguageModel.train(textPath: trainPath, order: 5, mode: .sentence, tokenizer: .whitespace)
        }
        results.append(Measurement(stage: "ngram train o5", metric: "in process (tokenize + estimate)", value: trainTime, unit: "s"))
        guard let model = trained else { return results }

        // Scoring: the training text itself, 2.08 M predictions, pre-encoded.
        let sequences = try TrainingSequences.read(InputFile(path: trainPath), tokenizer: WhitespaceTokenizer(), vocabulary: model.vocabulary,
                                                   mode: .sentence, unknownID: model.unknownWordID)
        var tokens = 0
        let scoreTime = try best(clock: threadCPUSeconds) {
            tokens = model.model.scoreAll(sequences, mode: .sentence).reduce(0) { $0 + $1.tokens }
        }
        results.append(Measurement(stage: "ngram score o5", metric: "throughput", value: Double(tokens) / scoreTime / 1e6, unit: "M tokens/CPU-s"))

        // Decoding: each test block's 64 tokens as the context, its ids as the penalty set.
        let blocks = try TrainingSequences.read(InputFile(path: testPath), tokenizer: WhitespaceTokenizer(), vocabulary: model.vocabulary,
                                                mode: .block, unknownID: model.unknownWordID)
        let index = NextTokenIndex(model: model.model)
        var queries: [(NGramContext, TokenSet)] = []
        blocks.forEach { block in
            queries.append((model.model.context(after: block), TokenSet(block, capacity: model.vocabulary.count)))
        }
        var found = 0
        let queryTime = try best(clock: threadCPUSeconds) {
            for (context, penalized) in queries {
                found &+= Int(index.topK(5, after: context, penalty: 3.0, penalized: penalized)[0].id)
            }
        }
        results.append(Measurement(stage: "ngram top-5 o5", metric: "queries (64-token penalty set, 1 core)", value: Double(queries.count) / queryTime / 1e3, unit: "k queries/s"))
        results += try measureGeneration(trainPath: trainPath)
        return results
    }

    /// Beam-search generation as the pipeline runs it, through the family registry: an order-5
    /// block model trained on the ICU training blocks (as `make generations` imports them)
    /// continues every one of them (5 beams, penalty 3.0, 64 new tokens) on every core, from its
    /// saved file, the decoding index built inside the time, as a run's generation stage does.
    /// The scaling from one thread to all is measured on the first 4,000 prompts.
    func measureGeneration(trainPath: String) throws -> [Measurement] {
        let tokenizer = try TokenizerKind.icu.makeTokenizer()
        var counts = TokenCounts()
        try TextScanner.scan(InputFile(path: trainPath), tokenizer: tokenizer, into: &counts)
        let vocabulary = try Vocabulary.build(from: counts, tokenizer: .icu)
        let blocks = try TrainingSequences.read(InputFile(path: trainPath), tokenizer: tokenizer, vocabulary: vocabulary,
                                                mode: .block, unknownID: SpecialToken.unknown.id)
        let family = try FamilyRegistry.standard.family(named: "ngram")
        let settings = JSONValue.object(["family": .string("ngram"), "order": .number("5"), "discountFallback": .bool(false)])
        let directory = "\(NSTemporaryDirectory())collapse-bench-generation-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory(directory)
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/\(family.modelFileName)"
        try family.train(TrainingRequest(settings: settings, blocks: blocks, vocabulary: vocabulary)).save(to: path)
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let whole = try best {
            _ = try SyntheticCorpus.continuations(of: blocks, model: try family.load(from: path), settings: DecodingSettings(), threads: threads)
        }
        // One thread, then all, interleaved, on a model whose index is built: the scaling is their ratio.
        let model = try family.load(from: path)
        _ = try BeamSearch.continuation(of: [], with: model, settings: DecodingSettings(beams: 1, newTokens: 1))
        let prompts = blocks.prefix(4_000)
        func time(threads: Int) throws -> Double {
            let start = monotonicSeconds()
            _ = try SyntheticCorpus.continuations(of: prompts, model: model, settings: DecodingSettings(), threads: threads)
            return monotonicSeconds() - start
        }
        var seconds = (one: Double.infinity, all: Double.infinity)
        for _ in 0..<repeats {
            seconds.one = min(seconds.one, try time(threads: 1))
            seconds.all = min(seconds.all, try time(threads: threads))
        }
        let stage = "generate o5, ICU blocks (5 beams, 64 new tokens, \(threads) threads)"
        return [
            Measurement(stage: stage, metric: "one whole generation: \(blocks.count) blocks, load and index included", value: whole, unit: "s"),
            Measurement(stage: stage, metric: "rate", value: Double(blocks.count) / whole, unit: "blocks/s"),
            Measurement(stage: stage, metric: "\(threads) threads ÷ 1 (first \(prompts.count) prompts)", value: seconds.one / seconds.all, unit: "x",
                        goal: .atLeast(0.925 * Double(threads))),
        ]
    }
}

func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}
