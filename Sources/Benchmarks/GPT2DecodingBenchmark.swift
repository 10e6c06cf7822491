import CorpusStore
import Decoding
import Foundation
import GPT2
import LanguageModeling
import NeuralNetworks
import Reporting
import Storage
import Tokenization

/// Beam-search decoding of the transformer beside Hugging Face `generate`, on one checkpoint,
/// in one run: the pipeline's decoding settings (5 beams, 64 new tokens, penalty 3.0, `<s>`
/// first, `<s>`/`</s>` never written), the same prompts (the corpus's first training blocks),
/// and the continuations compared token for token. The checkpoint is trained here for a few
/// steps from a fixed seed, so that its distributions are peaked as a trained model's are
/// (an untrained model's near-ties would make the comparison a coin toss).
struct GPT2DecodingBenchmark {
    let corpus: Corpus
    let configuration: GPT2Configuration
    var threads = 2
    var batch = 16
    var prompts = 64
    var trainingSteps = 150
    var repeats = 2
    var settings = DecodingSettings(beams: 5, repetitionPenalty: 3, newTokens: 64)

    func run(reference: ReferenceScript?) throws -> [Measurement] {
        let directory = "\(NSTemporaryDirectory())collapse-bench-decoding-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory(directory)
        defer { try? FileSystem.remove(directory) }
        let train = TrainingSequences(try corpus.blocks(.train).blocks())
        let model = try trainedModel(train)
        try model.save(to: "\(directory)/model.safetensors")
        let promptBlocks = train.prefix(prompts)
        let stage = "gpt2 decoding \(configuration.layers)L/\(configuration.width)d, V \(configuration.vocabularySize), \(prompts) prompts × \(settings.beams) beams, \(settings.newTokens) new, penalty \(settings.repetitionPenalty), batch \(batch), \(threads) threads"
        let ceiling = GEMMCeiling(configuration: configuration, repeats: 3, threads: threads)
        let shapes = ceiling.decodingShapes(prompts: batch, promptLength: corpus.manifest.blockSize, beams: settings.beams,
                                            newTokens: settings.newTokens)
        var perBatch = ceiling.seconds(shapes)
        let first = try measureOurs(model, promptBlocks)
        var ours = first.rate
        var hf: (rate: Double, identical: Int)?
        if let reference {
            let path = "\(directory)/prompts.bin", outputPath = "\(directory)/hf.bin"
            try writeRawIDs(promptBlocks, to: path)
            let fields = try reference.run(["generate", "--checkpoint", directory, "--prompts", path, "--out", outputPath,
                                            "--length", "\(corpus.manifest.blockSize)", "--batch", "\(batch)", "--threads", "\(threads)",
                                            "--beams", "\(settings.beams)", "--new-tokens", "\(settings.newTokens)",
                                            "--penalty", "\(settings.repetitionPenalty)"])
            hf = (try ReferenceScript.number(fields, "blocks_per_second"), try identicalBlocks(first.continuations, hfPath: outputPath))
            // Ours again after Hugging Face: the better round, so neither side gets only a busy moment.
            ours = max(ours, try measureOurs(model, promptBlocks).rate)
        }
        // The ceiling again at the end, and the faster of its two rounds (this machine's speed
        // drifts by tens of percent within a minute: every figure is a best of rounds).
        perBatch = [perBatch, ceiling.seconds(shapes)].min { $0.seconds < $1.seconds } ?? perBatch
        let ceilingRate = Double(batch) / perBatch.seconds
        var results = [
            Measurement(stage: stage, metric: "ceiling: decoding (GEMMs at sgemm rate)", value: ceilingRate, unit: "blocks/s"),
            Measurement(stage: stage, metric: "sgemm rate on the decoding shapes", value: perBatch.flops / perBatch.seconds / 1e9, unit: "GFLOP/s"),
            Measurement(stage: stage, metric: "ours: decoding", value: ours, unit: "blocks/s"),
            Measurement(stage: stage, metric: "ours: decoding, share of the ceiling", value: 100 * ours / ceilingRate, unit: "%", goal: .atLeast(95)),
        ]
        if let hf {
            results += [
                Measurement(stage: stage, metric: "Hugging Face generate", value: hf.rate, unit: "blocks/s"),
                Measurement(stage: stage, metric: "ours ÷ Hugging Face", value: ours / hf.rate, unit: "x"),
                Measurement(stage: stage, metric: "ceiling ÷ Hugging Face", value: ceilingRate / hf.rate, unit: "x"),
                Measurement(stage: stage, metric: "continuations identical to Hugging Face's", value: Double(hf.identical), unit: "of \(promptBlocks.count)",
                            goal: .atLeast(Double(promptBlocks.count))),
            ]
        }
        return results
    }

    /// `trainingSteps` optimizer steps from seed 1 at the default recipe.
    func trainedModel(_ train: TrainingSequences) throws -> GPT2LanguageModel {
        var training = TrainingSettings()
        training.steps = trainingSteps
        return try GPT2Training.train(configuration: configuration, vocabulary: corpus.vocabulary, blocks: train,
                                      validation: TrainingSequences(), settings: training, seed: 1).model
    }

    /// Blocks/s of the pipeline's corpus writer (the best of `repeats`) and its continuations.
    func measureOurs(_ model: GPT2LanguageModel, _ prompts: TrainingSequences) throws -> (rate: Double, continuations: Blocks) {
        var best = Double.infinity
        var output = Blocks(length: settings.newTokens)
        for _ in 0..<repeats {
            let start = monotonicSeconds()
            output = try SyntheticCorpus.continuations(of: prompts, model: model, settings: settings, threads: threads, batch: batch)
            best = min(best, monotonicSeconds() - start)
        }
        return (Double(prompts.count) / best, output)
    }

    /// How many of our continuations equal Hugging Face's token for token.
    func identicalBlocks(_ ours: Blocks, hfPath: String) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: hfPath))
        let theirs = data.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }.map { Int32(littleEndian: $0) }
        guard theirs.count == ours.ids.count else {
            throw CollapseError("Hugging Face wrote \(theirs.count) ids, expected \(ours.ids.count)", path: hfPath)
        }
        return (0..<ours.count).filter { ours[$0].elementsEqual(theirs[($0 * ours.length)..<(($0 + 1) * ours.length)]) }.count
    }
}
