import CorpusStore
import Foundation
import GPT2
import LanguageModeling
import NeuralNetworks
import Storage

/// Whether a training step is PyTorch's step: both sides start from the same weights (ours,
/// loaded by `transformers`) and take the same optimizer steps on the same batches, in order,
/// with the quality recipe's AdamW, clipping and schedule; then the weights are compared tensor
/// by tensor. Differences at the level of float rounding mean any gap in quality between the two
/// comes from the seed (initial weights and batch order), not from the arithmetic.
struct GPT2ParityBenchmark {
    let corpus: Corpus
    let configuration: GPT2Configuration
    var steps = 10
    var batchSize = 32
    var threads = 2

    func run(reference: ReferenceScript) throws -> [Measurement] {
        let length = corpus.manifest.blockSize
        let train = TrainingSequences(try corpus.blocks(.train).blocks())
        let whole = (0..<train.count).filter { train[$0].count == length }
        guard whole.count >= steps * batchSize else { throw CollapseError("fewer than \(steps * batchSize) whole training blocks", path: corpus.path) }
        var batches: [TrainingSequences] = [], all = TrainingSequences()
        for step in 0..<steps {
            var batch = TrainingSequences()
            for index in whole[(step * batchSize)..<((step + 1) * batchSize)] {
                batch.append(train[index])
                all.append(train[index])
            }
            batches.append(batch)
        }
        var settings = TrainingSettings()
        settings.batchSize = batchSize
        settings.warmupSteps = 3
        let initial: TensorBuffer<Float> = GPT2Layout(configuration).initialized(seed: 1)
        let ours = try GPT2Training.steps(configuration: configuration, initial: initial, batches: batches, settings: settings)

        let directory = "\(NSTemporaryDirectory())collapse-bench-parity-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory("\(directory)/initial")
        defer { try? FileSystem.remove(directory) }
        try GPT2Checkpoint.write(to: "\(directory)/initial/model.safetensors", configuration: configuration, parameters: initial, vocabulary: nil)
        try GPT2Checkpoint.write(to: "\(directory)/ours.safetensors", configuration: configuration, parameters: ours.parameters, vocabulary: nil)
        try writeRawIDs(all, to: "\(directory)/batches.bin")
        let fields = try reference.run([
            "parity", "--checkpoint", "\(directory)/initial", "--train", "\(directory)/batches.bin", "--out", "\(directory)/ours.safetensors",
            "--steps", "\(steps)", "--length", "\(length)", "--warmup-steps", "\(settings.warmupSteps)",
            "--learning-rate", "\(settings.learningRate)", "--floor-ratio", "\(settings.floorRatio)", "--weight-decay", "\(settings.weightDecay)",
            "--clip", "\(settings.clip)", "--threads", "\(threads)"])
        guard case .array(let values)? = fields["losses"], values.count == steps else { throw CollapseError("the reference printed no losses") }
        let lossDifference = try zip(values, ours.losses).map { pair -> Double in
            guard case .number(let text) = pair.0, let loss = Double(text) else { throw CollapseError("the reference printed a loss that is not a number") }
            return abs(loss - Double(pair.1))
        }.max() ?? 0
        let stage = "gpt2 training parity: \(steps) steps beside PyTorch's from the same weights on the same \(batchSize)×\(length) batches"
        return [
            Measurement(stage: stage, metric: "largest |weight difference| after the last step", value: try ReferenceScript.number(fields, "largest_difference"), unit: ""),
            Measurement(stage: stage, metric: "mean |weight difference| after the last step", value: try ReferenceScript.number(fields, "mean_difference"), unit: ""),
            Measurement(stage: stage, metric: "largest |weight|", value: try ReferenceScript.number(fields, "largest_weight"), unit: ""),
            Measurement(stage: stage, metric: "largest |loss difference| over the steps", value: lossDifference, unit: "nats"),
        ]
    }
}
