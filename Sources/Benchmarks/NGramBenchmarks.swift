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
    /// block model trained on the training blocks continues the first 4,000 of them (5 beams,
    /// penalty 3.0, 64 new tokens) on every core; the full generation time is projected from the rate.
    func measureGeneration(trainPath: String) throws -> [Measurement] {
        var counts = TokenCounts()
        try TextScanner.scan(InputFile(path: trainPath), tokenizer: WhitespaceTokenizer(), into: &counts)
        let vocabulary = try Vocabulary.build(from: counts, tokenizer: .whitespace)
        let blocks = try TrainingSequences.read(InputFile(path: trainPath), tokenizer: WhitespaceTokenizer(), vocabulary: vocabulary,
                                                mode: .block, unknownID: SpecialToken.unknown.id)
        let family = try FamilyRegistry.standard.family(named: "ngram")
        let settings = JSONValue.object(["family": .string("ngram"), "order": .number("5"), "discountFallback": .bool(false)])
        let model = try family.train(TrainingRequest(settings: settings, blocks: blocks, vocabulary: vocabulary))
        let prompts = blocks.prefix(4_000)
        // The decoding index is built on first use: outside the timing.
        _ = try BeamSearch.continuation(of: [], with: model, settings: DecodingSettings(beams: 1, newTokens: 1))
        let threads = ProcessInfo.processInfo.activeProcessorCount
        // One thread, then all, interleaved: the scaling is their ratio.
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
        let rate = Double(prompts.count) / seconds.all
        return [
            Measurement(stage: "generate o5", metric: "blocks/s (5 beams, 64 new tokens, \(threads) threads)", value: rate, unit: "blocks/s"),
            Measurement(stage: "generate o5", metric: "\(threads) threads ÷ 1 (goal ≥ 1.85)", value: seconds.one / seconds.all, unit: "x"),
            Measurement(stage: "generate o5", metric: "projected for all \(blocks.count) training blocks (goal ≤ 30 on a Zen 1)",
                        value: Double(blocks.count) / rate, unit: "s"),
        ]
    }
}

func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}
