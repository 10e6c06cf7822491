import LanguageModeling
import Settings
import Storage
import Tokenization

/// How each generation's training data is assembled.
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

/// A configuration's `model` section: the family and its own settings, which only the family
/// reads (everything else passes them through untouched).
public struct ModelSection: Codable, Sendable, Equatable {
    /// The whole section, `family` included, with the family's defaults filled in.
    public var settings: JSONValue

    public var family: String {
        if case .object(let members) = settings, case .string(let name)? = members["family"] { return name }
        return ""
    }

    public init(settings: JSONValue) {
        self.settings = settings
    }

    public init(from decoder: any Decoder) throws {
        settings = try JSONValue(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try settings.encode(to: encoder)
    }
}

/// A run's configuration file (`Runs/configs/*.json`). Unknown keys are errors.
public struct RunConfiguration: Codable, Sendable, Equatable {
    public var name: String
    /// A corpus directory (made by `collapse corpus import` or `fetch`).
    public var corpus: String
    /// Must match the corpus's tokenizer and block size.
    public var tokenizer: TokenizerKind
    public var blockSize: Int
    /// The model family and its settings, e.g. `{"family": "ngram", "order": 5}`.
    public var model: ModelSection
    /// Generations including generation 0.
    public var generations: Int
    public var regime: Regime
    /// γ, required with `real-fraction`.
    public var realFraction: Double?
    public var prompts: PromptSource
    /// Beams, penalty and new tokens: flat keys in the JSON (`beams`, `repetitionPenalty`,
    /// `newTokens`), one value from here to the decoder.
    public var decoding: DecodingSettings
    /// One independent run per seed, side by side.
    public var seeds: [UInt64]

    /// Reads and checks a configuration before anything is touched; every problem is one line
    /// naming the file and the key.
    public static func load(from path: String, registry: FamilyRegistry) throws -> RunConfiguration {
        try parse(try JSONValue.load(path: path), path: path, registry: registry)
    }

    /// `load` of a configuration already in memory; problems are attributed to `path`.
    public static func parse(_ value: JSONValue, path: String, registry: FamilyRegistry) throws -> RunConfiguration {
        var reader = try SettingsReader(value, path: path)
        let configuration = RunConfiguration(
            name: try reader.string("name"), corpus: try reader.string("corpus"),
            tokenizer: try reader.choice("tokenizer", TokenizerKind.self), blockSize: try reader.int("blockSize", TokenizationLimits.blockSize),
            model: try modelSection(&reader, registry: registry), generations: try reader.int("generations", RunLimits.generations),
            regime: try reader.choice("regime", Regime.self),
            realFraction: reader.has("realFraction") ? try reader.double("realFraction", RunLimits.realFraction) : nil,
            prompts: try reader.choice("prompts", PromptSource.self),
            decoding: DecodingSettings(beams: try reader.int("beams", DecodingLimits.beams),
                                       repetitionPenalty: try reader.float("repetitionPenalty", DecodingLimits.repetitionPenalty),
                                       newTokens: try reader.int("newTokens", DecodingLimits.newTokens)),
            seeds: try reader.distinctUnsignedList("seeds", count: RunLimits.seedCount))
        // How the run is submitted to a cluster, read by the cluster executor: not part of the
        // run (its results never depend on it).
        _ = reader.has("slurm")
        try reader.finish()
        try configuration.validate(path: path)
        return configuration
    }

    /// The `model` object, read by its family. A flat `"model": "ngram"` with top-level family
    /// keys is an earlier version's form: refused with the nested form spelled out.
    static func modelSection(_ reader: inout SettingsReader, registry: FamilyRegistry) throws -> ModelSection {
        let value = try reader.value("model")
        if case .string(let family) = value {
            var nested = "\"family\": \"\(family)\""
            for key in ["order", "discountFallback"] where reader.has(key) {
                nested += ", \"\(key)\": \((try? reader.value(key).brief) ?? "")"
            }
            throw reader.failure("'model' must be an object naming its family and settings, e.g. \"model\": {\(nested)} (the flat form is from an earlier version)")
        }
        var section = try reader.object("model")
        return ModelSection(settings: try registry.modelSection(&section).settings)
    }

    /// What the ranges of single keys cannot say.
    func validate(path: String) throws {
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        try FileSystem.checkPlainName(name, what: "name", path: path)
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

extension RunConfiguration {
    private enum CodingKeys: String, CodingKey {
        case name, corpus, tokenizer, blockSize, model, generations, regime, realFraction, prompts, beams, repetitionPenalty, newTokens, seeds
        // An earlier version's flat model keys, read from old runs' manifests.
        case order, discountFallback
    }

    /// Reads a configuration a run recorded, the flat form of earlier versions included (its
    /// `order` and `discountFallback` move into the model section).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        corpus = try container.decode(String.self, forKey: .corpus)
        tokenizer = try container.decode(TokenizerKind.self, forKey: .tokenizer)
        blockSize = try container.decode(Int.self, forKey: .blockSize)
        if let family = try? container.decode(String.self, forKey: .model) {
            model = ModelSection(settings: .object([
                "family": .string(family),
                "order": .number("\(try container.decode(Int.self, forKey: .order))"),
                "discountFallback": .bool(try container.decode(Bool.self, forKey: .discountFallback)),
            ]))
        } else {
            model = try container.decode(ModelSection.self, forKey: .model)
        }
        generations = try container.decode(Int.self, forKey: .generations)
        regime = try container.decode(Regime.self, forKey: .regime)
        realFraction = try container.decodeIfPresent(Double.self, forKey: .realFraction)
        prompts = try container.decode(PromptSource.self, forKey: .prompts)
        decoding = DecodingSettings(beams: try container.decode(Int.self, forKey: .beams),
                                    repetitionPenalty: try container.decode(Float.self, forKey: .repetitionPenalty),
                                    newTokens: try container.decode(Int.self, forKey: .newTokens))
        seeds = try container.decode([UInt64].self, forKey: .seeds)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(corpus, forKey: .corpus)
        try container.encode(tokenizer, forKey: .tokenizer)
        try container.encode(blockSize, forKey: .blockSize)
        try container.encode(model, forKey: .model)
        try container.encode(generations, forKey: .generations)
        try container.encode(regime, forKey: .regime)
        try container.encodeIfPresent(realFraction, forKey: .realFraction)
        try container.encode(prompts, forKey: .prompts)
        try container.encode(decoding.beams, forKey: .beams)
        try container.encode(decoding.repetitionPenalty, forKey: .repetitionPenalty)
        try container.encode(decoding.newTokens, forKey: .newTokens)
        try container.encode(seeds, forKey: .seeds)
    }
}
