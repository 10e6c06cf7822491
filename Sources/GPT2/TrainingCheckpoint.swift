import Foundation
import NeuralNetworks
import Storage

/// Everything a training run needs to go on from the end of an epoch exactly as if it had
/// never stopped: the weights, AdamW's moments and step, the best epoch's weights and loss, and
/// the history so far. One safetensors file, written atomically at each epoch's end; a
/// fingerprint of the run (settings, shape, seed, data) makes sure it resumes only the training
/// it came from.
struct TrainingCheckpoint {
    static let fileName = "training-checkpoint.safetensors"

    var step: Int
    /// The schedule's length (fixed once a time budget has sized it).
    var totalSteps: Int
    var parameters: TensorBuffer<Float>
    var firstMoment: TensorBuffer<Float>
    var secondMoment: TensorBuffer<Float>
    var optimizerStep: Int
    var best: (parameters: TensorBuffer<Float>, loss: Double)?
    var history: [TrainingRecord]

    func save(in directory: String, fingerprint: String) throws {
        try FileSystem.createDirectory(directory)
        let count = parameters.count
        func tensor(_ name: String, _ buffer: TensorBuffer<Float>) -> (name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            (name, [count], UnsafeBufferPointer(start: buffer.pointer, count: count))
        }
        var tensors = [tensor("parameters", parameters), tensor("adam.m", firstMoment), tensor("adam.v", secondMoment)]
        var metadata = ["fingerprint": fingerprint, "step": "\(step)", "total_steps": "\(totalSteps)", "optimizer_step": "\(optimizerStep)",
                        "history": String(decoding: try JSONEncoder().encode(history), as: UTF8.self)]
        if let best {
            tensors.append(tensor("best", best.parameters))
            metadata["best_loss"] = "\(best.loss.bitPattern)"
        }
        try SafeTensors.write(to: "\(directory)/\(Self.fileName)", tensors: tensors, metadata: metadata)
    }

    /// The checkpoint in `directory`, if there is one from this very training; nil otherwise
    /// (none yet, another run's, or damaged: then training starts over).
    static func load(from directory: String, fingerprint: String, count: Int) -> TrainingCheckpoint? {
        let path = "\(directory)/\(fileName)"
        guard FileSystem.exists(path), let file = try? SafeTensors(path: path), file.metadata["fingerprint"] == fingerprint,
              let step = file.metadata["step"].flatMap(Int.init), let totalSteps = file.metadata["total_steps"].flatMap(Int.init),
              let optimizerStep = file.metadata["optimizer_step"].flatMap(Int.init),
              let historyText = file.metadata["history"],
              let history = try? JSONDecoder().decode([TrainingRecord].self, from: Data(historyText.utf8)) else { return nil }
        func buffer(_ name: String) -> TensorBuffer<Float>? {
            guard let values = try? file.floats(name, shape: [count]) else { return nil }
            let buffer = TensorBuffer<Float>(count: count)
            buffer.pointer.update(from: values, count: count)
            return buffer
        }
        guard let parameters = buffer("parameters"), let first = buffer("adam.m"), let second = buffer("adam.v") else { return nil }
        var best: (TensorBuffer<Float>, Double)?
        if let weights = buffer("best"), let bits = file.metadata["best_loss"].flatMap(UInt64.init) { best = (weights, Double(bitPattern: bits)) }
        return TrainingCheckpoint(step: step, totalSteps: totalSteps, parameters: parameters, firstMoment: first, secondMoment: second,
                                  optimizerStep: optimizerStep, best: best, history: history)
    }
}
