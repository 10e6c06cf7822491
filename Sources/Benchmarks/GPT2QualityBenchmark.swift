import CorpusStore
import Foundation
import GPT2
import LanguageModeling
import Reporting
import Storage

/// What the same wall-clock budget buys: ours and PyTorch each train the model from scratch with
/// the same recipe (AdamW β 0.9/0.95, weight decay 0.1 on 2-D weights, clipping at 1, warm-up
/// then cosine to 0.1× the peak over the steps the first 20 steps' rate says will fit) for
/// `seconds` of wall time, evaluations included, one after the other on the same machine; then
/// both score the test blocks. Writes both validation curves (against tokens and time) as TSV.
struct GPT2QualityBenchmark {
    let corpus: Corpus
    let configuration: GPT2Configuration
    var seconds = 600.0
    /// Train exactly this many steps on each side instead of for `seconds`.
    var steps: Int?
    /// Both sides' initialization and shuffling (each with its own generator).
    var seed: UInt64 = 1
    /// PyTorch starts from our initial weights and visits the blocks in our order, so that
    /// the two runs differ only in their arithmetic.
    var sameStart = false
    var evaluateEvery = 100
    var threads = 2
    var settings = TrainingSettings()

    func run(reference: ReferenceScript?, curvesPath: String) throws -> [Measurement] {
        let train = TrainingSequences(try corpus.blocks(.train).blocks())
        let valid = TrainingSequences(try corpus.blocks(.valid).blocks()), test = TrainingSequences(try corpus.blocks(.test).blocks())
        let budget = steps.map { "\($0) steps" } ?? "\(Format.fixed(seconds, digits: 0)) s of wall time"
        let stage = (sameStart ? "PyTorch from our start: " : "") + "gpt2 quality \(configuration.layers)L/\(configuration.width)d/\(configuration.heads)h, V \(configuration.vocabularySize), batch \(settings.batchSize)×\(corpus.manifest.blockSize), \(budget), seed \(seed), \(threads) threads"
        var training = settings
        training.epochs = 1_000
        training.timeBudget = steps == nil ? seconds : nil
        training.steps = steps
        training.evaluateEvery = evaluateEvery
        let ours = try GPT2Training.train(configuration: configuration, vocabulary: corpus.vocabulary, blocks: train, validation: valid,
                                          settings: training, seed: seed)
        let scored = try ours.model.perplexities(of: test)
        var curves = "implementation\tstep\ttokens\tseconds\tvalidation_perplexity\n"
        for record in ours.history {
            curves += "ours\t\(record.step)\t\(record.tokens)\t\(record.seconds)\t\(record.validationLoss.map { "\(exp($0))" } ?? "NA")\n"
        }
        var results = [
            Measurement(stage: stage, metric: "ours: tokens trained", value: Double(ours.history.last?.tokens ?? 0), unit: "tokens"),
            Measurement(stage: stage, metric: "ours: test perplexity (block)", value: scored.block, unit: "ppl"),
            Measurement(stage: stage, metric: "ours: test perplexity (in-block)", value: scored.inBlock, unit: "ppl"),
        ]
        if let reference {
            let directory = "\(NSTemporaryDirectory())collapse-bench-quality-\(ProcessInfo.processInfo.processIdentifier)"
            try FileSystem.createDirectory(directory)
            defer { try? FileSystem.remove(directory) }
            for (name, blocks) in [("train", train), ("valid", valid), ("test", test)] { try writeRawIDs(blocks, to: "\(directory)/\(name).bin") }
            let start = sameStart ? try writeStart(in: directory, blocks: train.count, settings: training) : []
            let fields = try reference.run([
                "quality", "--train", "\(directory)/train.bin", "--valid", "\(directory)/valid.bin", "--test", "\(directory)/test.bin",
                "--vocab-size", "\(configuration.vocabularySize)", "--layers", "\(configuration.layers)", "--width", "\(configuration.width)",
                "--heads", "\(configuration.heads)", "--context", "\(configuration.context)", "--batch", "\(settings.batchSize)",
                "--length", "\(corpus.manifest.blockSize)", "--threads", "\(threads)", "--seed", "\(seed)",
                "--evaluate-every", "\(evaluateEvery)", "--learning-rate", "\(settings.learningRate)", "--warmup-steps", "\(settings.warmupSteps)"]
                + (steps.map { ["--total-steps", "\($0)"] } ?? ["--seconds", "\(seconds)"]) + start)
            if case .array(let history)? = fields["history"] {
                for case .object(let point) in history {
                    let values = try ["step", "tokens", "seconds", "validation_perplexity"].map { try ReferenceScript.number(point, $0) }
                    curves += "PyTorch\t\(Int(values[0]))\t\(Int(values[1]))\t\(values[2])\t\(values[3])\n"
                }
            }
            let theirs = try ReferenceScript.number(fields, "test_perplexity_in_block")
            results += [
                Measurement(stage: stage, metric: "PyTorch: tokens trained", value: try ReferenceScript.number(fields, "tokens"), unit: "tokens"),
                Measurement(stage: stage, metric: "PyTorch: test perplexity (block)", value: try ReferenceScript.number(fields, "test_perplexity"), unit: "ppl"),
                Measurement(stage: stage, metric: "PyTorch: test perplexity (in-block)", value: theirs, unit: "ppl"),
                // From the same start the runs differ only in arithmetic: the same quality within 1 %.
                Measurement(stage: stage, metric: "ours ÷ PyTorch: test perplexity (in-block)", value: scored.inBlock / theirs, unit: "x",
                            goal: sameStart ? .atMost(1.01) : nil),
            ]
        }
        try FileSystem.writeText(curves, to: curvesPath)
        return results
    }

    /// Our initial weights (a checkpoint) and our block order for every epoch the run can reach
    /// (raw int32), in `directory`; returns the reference script's arguments that use them.
    func writeStart(in directory: String, blocks: Int, settings: TrainingSettings) throws -> [String] {
        try FileSystem.createDirectory("\(directory)/initial")
        try GPT2Checkpoint.write(to: "\(directory)/initial/model.safetensors", configuration: configuration,
                                 parameters: GPT2Layout(configuration).initialized(seed: seed), vocabulary: nil)
        let stepsPerEpoch = max(1, blocks / settings.batchSize)
        let epochs = settings.steps.map { ($0 + stepsPerEpoch - 1) / stepsPerEpoch } ?? 50
        let orders = (0..<epochs).flatMap { Trainer.order(blocks: blocks, seed: seed, epoch: $0).map(Int32.init) }
        let file = try OutputFile(path: "\(directory)/order.bin")
        try orders.withUnsafeBytes { try file.write($0) }
        try file.commit()
        return ["--checkpoint", "\(directory)/initial", "--order", "\(directory)/order.bin"]
    }
}
