import Settings
import Storage
import Tokenization

/// A kind of language model the pipeline can train, store and load: the n-gram, the
/// transformer. Everything outside a family's own module reaches it through this interface and
/// a `FamilyRegistry`, so a new family is one new module plus one registry line.
public protocol ModelFamily: Sendable {
    /// The `family` of a configuration's model section, e.g. `ngram`.
    var name: String { get }
    /// The model's file in a generation directory, e.g. `model.mcngram`.
    var modelFileName: String { get }
    /// Files a model's `save(to:)` writes beside its model file (Hugging Face's `config.json`),
    /// which a run records and checks with it.
    var companionFileNames: [String] { get }

    /// Reads the family's own keys of a model section (`family` is already read) and returns
    /// the whole section with every default filled in, so that a run records every setting.
    func normalizedSettings(_ section: inout SettingsReader) throws -> JSONValue

    /// Bytes training on `tokens` tokens will take at its peak, estimated before it starts.
    func estimatedTrainingBytes(settings: JSONValue, tokens: Int, vocabularySize: Int) -> Int

    /// Trains a model.
    func train(_ request: TrainingRequest) throws -> any LanguageModel

    /// Loads a model file of this family, checking its integrity.
    func load(from path: String) throws -> any LanguageModel

    /// Whether `path` looks like one of this family's model files (its magic or extension).
    func recognizes(path: String) -> Bool

    /// Refuses, before any work, settings that cannot train on `blocks` blocks (a batch larger
    /// than the data), naming the key.
    func checkTrainable(settings: JSONValue, blocks: Int, path: String?) throws

    /// `LanguageModel.contextLimit` of the models these settings make, known before training.
    func contextLimit(settings: JSONValue) -> Int?

    /// The threads this family's models compute with from now on, in every process that
    /// trains, loads, scores or decodes: a family whose results depend on the thread count
    /// (a sum split over BLAS threads) must hear the same count whether a model was trained in
    /// this process or loaded from a file.
    func useThreads(_ count: Int)
}

extension ModelFamily {
    public var companionFileNames: [String] { [] }

    public func checkTrainable(settings: JSONValue, blocks: Int, path: String?) throws {}

    /// Refuses, before any work, prompts and continuations that would not fit the context.
    public func checkFits(settings: JSONValue, promptLength: Int, newTokens: Int, path: String? = nil) throws {
        guard let limit = contextLimit(settings: settings), promptLength + newTokens > limit else { return }
        throw CollapseError(contextMessage(promptLength: promptLength, newTokens: newTokens, limit: limit), path: path)
    }
}

/// "prompts of 64 tokens and 100 new tokens need a context of 164 positions; the model has 128".
func contextMessage(promptLength: Int, newTokens: Int, limit: Int) -> String {
    "prompts of \(promptLength) tokens and \(newTokens) new tokens need a context of \(promptLength + newTokens) positions (<s> and all but the last new token); the model has \(limit)"
}

extension LanguageModel {
    /// Refuses, before any work, prompts and continuations that would not fit the context.
    public func checkFits(promptLength: Int, newTokens: Int, path: String? = nil) throws {
        guard let limit = contextLimit, promptLength + newTokens > limit else { return }
        throw CollapseError(contextMessage(promptLength: promptLength, newTokens: newTokens, limit: limit), path: path)
    }
}

/// Everything a family trains from.
public struct TrainingRequest: @unchecked Sendable {
    /// The normalized model section of the configuration.
    public var settings: JSONValue
    /// The blocks to learn (a regime's mix of real and generated data).
    public var blocks: TrainingSequences
    public var vocabulary: Vocabulary
    /// Real validation blocks (for choosing a checkpoint; a family may ignore them).
    public var validation: TrainingSequences
    public var seed: UInt64
    public var threads: Int
    /// Earlier models of the same run, for a family that starts from one (fine-tuning);
    /// nil where there is none (generation 0).
    public var earlierModel: (EarlierModel) throws -> (any LanguageModel)?
    /// A directory the family may keep work in (checkpoints to resume from), or nil.
    public var workDirectory: String?
    /// Told when a stage of training starts or ends, for a line on stderr.
    public var note: (String) -> Void

    public init(settings: JSONValue, blocks: TrainingSequences, vocabulary: Vocabulary, validation: TrainingSequences = TrainingSequences(),
                seed: UInt64 = 0, threads: Int = 1, earlierModel: @escaping (EarlierModel) throws -> (any LanguageModel)? = { _ in nil },
                workDirectory: String? = nil,
                note: @escaping (String) -> Void = { _ in }) {
        self.settings = settings
        self.blocks = blocks
        self.vocabulary = vocabulary
        self.validation = validation
        self.seed = seed
        self.threads = threads
        self.earlierModel = earlierModel
        self.workDirectory = workDirectory
        self.note = note
    }
}

/// Which earlier model of a run a family may start training from.
public enum EarlierModel: Sendable {
    /// The run's generation 0 (the analogue of the paper's pre-trained start).
    case generationZero
    /// The model of the generation before this one.
    case previous
}
