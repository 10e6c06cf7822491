import Foundation
import LanguageModeling
import NeuralNetworks
import Settings
import Storage
import Tokenization

/// The GPT-2-architecture transformer as a model family:
/// `"model": {"family": "gpt2", "layers": 2, "width": 128, "heads": 2, "context": 128, …}`.
/// Every generation trains for `epochs` passes over its blocks and keeps the epoch whose loss on
/// the real validation blocks is lowest; `init` chooses its starting weights: `scratch` (GPT-2's
/// initialization), `generation0` (fine-tune generation 0's weights), `previous`, or `base`
/// (fine-tune the model file `base` names, whose XXH64 `baseChecksum` gives: every generation,
/// generation 0 included, starts from the same pre-trained weights, as the paper's runs each
/// fine-tune OPT-125m).
public struct GPT2Family: ModelFamily {
    public init() {}

    public var name: String { "gpt2" }
    public var modelFileName: String { "model.safetensors" }
    public var companionFileNames: [String] { ["config.json"] }

    /// Where each generation's training starts.
    public enum InitialWeights: String, CaseIterable, Sendable {
        case scratch, generation0, previous, base
    }

    /// A model section's settings, typed.
    struct Settings: Equatable {
        var layers = 2, width = 128, heads = 2, context = 128
        var training = TrainingSettings()
        var initial = InitialWeights.scratch
        /// With `initial == .base`: the model file and its XXH64.
        var base: (path: String, checksum: String)?

        static func == (a: Settings, b: Settings) -> Bool {
            a.layers == b.layers && a.width == b.width && a.heads == b.heads && a.context == b.context && a.training == b.training
                && a.initial == b.initial && a.base?.path == b.base?.path && a.base?.checksum == b.base?.checksum
        }

        func configuration(vocabularySize: Int) -> GPT2Configuration {
            GPT2Configuration(layers: layers, width: width, heads: heads, context: context, vocabularySize: vocabularySize)
        }

        var json: JSONValue {
            func number(_ value: Int) -> JSONValue { .number("\(value)") }
            func number(_ value: Double) -> JSONValue { .number("\(value)") }
            var members: [String: JSONValue] = [
                "family": .string("gpt2"), "layers": number(layers), "width": number(width), "heads": number(heads), "context": number(context),
                "batchSize": number(training.batchSize), "learningRate": number(training.learningRate), "warmupSteps": number(training.warmupSteps),
                "floorRatio": number(training.floorRatio), "weightDecay": number(training.weightDecay), "clip": number(training.clip),
                "epochs": number(training.epochs), "init": .string(initial.rawValue),
            ]
            if let base {
                members["base"] = .string(base.path)
                members["baseChecksum"] = .string(base.checksum)
            }
            return .object(members)
        }
    }

    /// Every key is optional; a missing one takes the default shown by `collapse gpt2 train --help`.
    static func settings(_ section: inout SettingsReader) throws -> Settings {
        var settings = Settings()
        func integer(_ key: String, _ limit: Limit<Int>, _ value: inout Int) throws { if section.has(key) { value = try section.int(key, limit) } }
        func real(_ key: String, _ limit: Limit<Double>, _ value: inout Double) throws { if section.has(key) { value = try section.double(key, limit) } }
        try integer("layers", GPT2Limits.layers, &settings.layers)
        try integer("width", GPT2Limits.width, &settings.width)
        try integer("heads", GPT2Limits.heads, &settings.heads)
        try integer("context", GPT2Limits.context, &settings.context)
        try integer("batchSize", GPT2Limits.batch, &settings.training.batchSize)
        try real("learningRate", GPT2Limits.learningRate, &settings.training.learningRate)
        try integer("warmupSteps", GPT2Limits.warmupSteps, &settings.training.warmupSteps)
        try real("floorRatio", GPT2Limits.floorRatio, &settings.training.floorRatio)
        try real("weightDecay", GPT2Limits.weightDecay, &settings.training.weightDecay)
        try real("clip", GPT2Limits.clip, &settings.training.clip)
        try integer("epochs", GPT2Limits.epochs, &settings.training.epochs)
        if section.has("init") { settings.initial = try section.choice("init", InitialWeights.self) }
        if settings.initial == .base {
            guard section.has("base"), section.has("baseChecksum") else {
                throw section.failure("model.init base needs model.base (the model file to start from) and model.baseChecksum (its XXH64)")
            }
            settings.base = (try section.string("base"), try section.string("baseChecksum"))
        } else if section.has("base") || section.has("baseChecksum") {
            throw section.failure("model.base and model.baseChecksum apply only to model.init base")
        }
        guard settings.width % settings.heads == 0 else {
            throw section.failure("model.width \(settings.width) must be a multiple of model.heads \(settings.heads)")
        }
        return settings
    }

    static func settings(_ json: JSONValue) throws -> Settings {
        var reader = try SettingsReader(json, path: "model settings", prefix: "model.")
        _ = try reader.string("family")
        return try settings(&reader)
    }

    public func normalizedSettings(_ section: inout SettingsReader) throws -> JSONValue {
        try Self.settings(&section).json
    }

    /// At the longest sequences the context allows.
    public func estimatedTrainingBytes(settings: JSONValue, tokens: Int, vocabularySize: Int) -> Int {
        guard let settings = try? Self.settings(settings) else { return 0 }
        return GPT2Training.estimatedBytes(configuration: settings.configuration(vocabularySize: vocabularySize),
                                           batchSize: settings.training.batchSize, length: settings.context)
    }

    public func checkTrainable(settings: JSONValue, blocks: Int, path: String?) throws {
        let batch = try Self.settings(settings).training.batchSize
        guard batch <= blocks else {
            throw CollapseError("model.batchSize \(batch) exceeds the \(blocks) blocks each generation trains on: no whole batch", path: path)
        }
    }

    public func contextLimit(settings: JSONValue) -> Int? {
        (try? Self.settings(settings)).map(\.context)
    }

    public func train(_ request: TrainingRequest) throws -> any LanguageModel {
        let settings = try Self.settings(request.settings)
        let configuration = settings.configuration(vocabularySize: request.vocabulary.count)
        useThreads(request.threads)
        var initial: TensorBuffer<Float>?
        if let base = settings.base {
            guard FileSystem.exists(base.path), try fileChecksum(base.path) == base.checksum else {
                throw CollapseError("not the base model the run was configured with (missing, or its XXH64 is not \(base.checksum))", path: base.path)
            }
            let model = try GPT2LanguageModel.load(from: base.path, vocabulary: request.vocabulary)
            guard model.configuration == configuration else { throw CollapseError("the base model is not of the configured shape", path: base.path) }
            initial = model.parameters
        } else if settings.initial != .scratch, let earlier = try request.earlierModel(settings.initial == .previous ? .previous : .generationZero) {
            guard let model = earlier as? GPT2LanguageModel, model.configuration == configuration else {
                throw CollapseError("the model to start from is not a GPT-2 model of the configured shape")
            }
            initial = model.parameters
        }
        request.note("training \(configuration.layers) layers × \(configuration.width) wide on \(request.blocks.count) blocks, \(settings.training.epochs) epoch(s)")
        let result = try GPT2Training.train(configuration: configuration, vocabulary: request.vocabulary, blocks: request.blocks,
                                            validation: request.validation, settings: settings.training, seed: request.seed,
                                            initial: initial, keepBestEpoch: true, checkpointDirectory: request.workDirectory,
                                            note: request.note)
        return result.model
    }

    /// The layers' threads (results are the same at every count).
    public func useThreads(_ count: Int) {
        Parallel.threads = count
    }

    public func load(from path: String) throws -> any LanguageModel {
        try GPT2LanguageModel.load(from: path)
    }

    /// safetensors: an 8-byte header length, then the JSON header's `{`.
    public func recognizes(path: String) -> Bool {
        guard var file = try? InputFile(path: path) else { return false }
        var start = [UInt8](repeating: 0, count: 9)
        let count = (try? start.withUnsafeMutableBytes { try file.readFully(into: $0) }) ?? 0
        return count == 9 && start[8] == UInt8(ascii: "{")
    }
}
