import Foundation
import LanguageModeling
import NeuralNetworks
import Storage
import Tokenization

/// A trained GPT-2 model with its vocabulary: what the pipeline, decoding and scoring use.
///
/// The weights are shared by copies (the model is a value over a reference-counted buffer);
/// each computation makes its own working buffers, so copies may score or decode on
/// different threads.
public struct GPT2LanguageModel: @unchecked Sendable {
    public let configuration: GPT2Configuration
    public let vocabulary: Vocabulary
    public let parameters: TensorBuffer<Float>
    /// The file the weights came from, for errors about them; nil for a model trained here.
    public private(set) var origin: String?

    public init(configuration: GPT2Configuration, vocabulary: Vocabulary, parameters: TensorBuffer<Float>) throws {
        guard vocabulary.count == configuration.vocabularySize else {
            throw CollapseError("the vocabulary has \(vocabulary.count) ids, the model \(configuration.vocabularySize)")
        }
        self.configuration = configuration
        self.vocabulary = vocabulary
        self.parameters = parameters
    }

    /// A model loaded from a checkpoint; `vocabulary` is needed only for a checkpoint without
    /// its own (a Hugging Face one), and must match one that it has.
    public static func load(from path: String, vocabulary: Vocabulary? = nil) throws -> GPT2LanguageModel {
        let contents = try GPT2Checkpoint.read(path: path)
        guard let own = contents.vocabulary ?? vocabulary else {
            throw CollapseError("the checkpoint has no vocabulary of its own; give the corpus it was trained on", path: path)
        }
        if let vocabulary, vocabulary.hash != own.hash {
            throw CollapseError("the checkpoint's vocabulary is not the corpus's", path: path)
        }
        do {
            var model = try GPT2LanguageModel(configuration: contents.configuration, vocabulary: own, parameters: contents.parameters)
            model.origin = path
            return model
        } catch let error as CollapseError {
            throw error.attributed(to: path)
        }
    }

    public func save(to path: String) throws {
        try GPT2Checkpoint.write(to: path, configuration: configuration, parameters: parameters, vocabulary: vocabulary)
    }

    /// A transformer over these weights (its own activation buffers), which stay as loaded.
    func transformer() -> Transformer<Float> {
        let model = Transformer(layout: GPT2Layout(configuration), parameters: parameters)
        model.parametersAreFrozen = true
        return model
    }

    /// An error about what these weights compute, naming their file when there is one.
    func failure(_ problem: String) -> CollapseError {
        CollapseError(problem, path: origin)
    }

    /// - Throws: unless every sequence fits the context (`<s>` and all but the last token are fed).
    func checkFits(_ sequences: TrainingSequences) throws {
        let longest = (0..<sequences.count).map { sequences[$0].count }.max() ?? 0
        guard longest <= configuration.context else {
            throw failure("sequences of \(longest) tokens do not fit the model's context of \(configuration.context) positions")
        }
    }

    /// The error for a score that is NaN or infinite: weights that overflow somewhere.
    func nonFiniteScores() -> CollapseError {
        failure("the model's scores are not finite (NaN or infinite): its weights overflow")
    }

    /// Sequences scored in batches of this many (a [batch × 64 × vocabulary] logits buffer).
    static let scoringBatch = 32
}
