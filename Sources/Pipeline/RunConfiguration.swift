import Settings
import Storage
import Tokenization

/// How each generation's training data is assembled (SPEC §2).
public enum Regime: String, Codable, Sendable, CaseIterable {
    /// Only the previous model's output.
    case replace
    /// A fresh random fraction γ of real blocks each generation, the rest generated.
    case realFraction = "real-fraction"
    /// Real data plus every earlier generation's output.
    case accumulate
}

/// Where prompts for the synthetic corpus come from.
public enum PromptSource: String, Codable, Sendable, CaseIterable {
    /// The original (real) training blocks.
    case original
    /// The writing model's own training blocks (the first as many as there are real blocks).
    case previous
}

/// A run's configuration file (`Runs/configs/*.json`). Unknown keys are errors.
public struct RunConfiguration: Codable, Sendable, Equatable {
    public var name: String
    /// A corpus directory (made by `collapse corpus import` or `fetch`).
    public var corpus: String
    /// Must match the corpus's tokenizer and block size.
    public var tokenizer: TokenizerKind
    public var blockSize: Int
    /// Model family; `ngram` for now.
    public var model: String
    /// n-gram order (2–6).
    public var order: Int
    /// Use 0.5/1/1.5 where counts are too irregular for the discount formula (KenLM's fallback).
    public var discountFallback: Bool
    /// Generations including generation 0.
    public var generations: Int
    public var regime: Regime
    /// γ, required with `real-fraction`.
    public var realFraction: Double?
    public var prompts: PromptSource
    public var beams: Int
    public var repetitionPenalty: Float
    public var newTokens: Int
    /// One independent run per seed, side by side.
    public var seeds: [UInt64]

    /// Reads and checks a configuration before anything is touched; every problem is one line
    /// naming the file and the key.
    public static func load(from path: String) throws -> RunConfiguration {
        var reader = try SettingsReader(try JSONValue.load(path: path), path: path)
        let configuration = RunConfiguration(
            name: try reader.string("name"), corpus: try reader.string("corpus"),
            tokenizer: try reader.choice("tokenizer", TokenizerKind.self), blockSize: try reader.int("blockSize", Limits.blockSize),
            model: try reader.string("model"), order: try reader.int("order", Limits.order),
            discountFallback: try reader.bool("discountFallback"), generations: try reader.int("generations", Limits.generations),
            regime: try reader.choice("regime", Regime.self),
            realFraction: reader.has("realFraction") ? try reader.double("realFraction", Limits.realFraction) : nil,
            prompts: try reader.choice("prompts", PromptSource.self), beams: try reader.int("beams", Limits.beams),
            repetitionPenalty: try reader.float("repetitionPenalty", Limits.repetitionPenalty),
            newTokens: try reader.int("newTokens", Limits.newTokens),
            seeds: try reader.distinctUnsignedList("seeds", count: Limits.seedCount))
        try reader.finish()
        try configuration.validate(path: path)
        return configuration
    }

    /// What the ranges of single keys cannot say.
    func validate(path: String) throws {
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { throw fail("name '\(name)' must be a plain directory name") }
        guard model == "ngram" else { throw fail("model '\(model)' is not available (known: ngram)") }
        switch regime {
        case .realFraction:
            guard realFraction != nil else { throw fail("regime real-fraction needs realFraction (γ)") }
        case .replace, .accumulate:
            guard realFraction == nil else { throw fail("realFraction applies only to regime real-fraction") }
        }
    }

    /// The corpus path, relative paths taken from the working directory.
    public var corpusPath: String { corpus }
}
