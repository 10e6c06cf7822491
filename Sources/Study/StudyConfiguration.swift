import Foundation
import LanguageModeling
import Pipeline
import Settings
import Storage

/// A study (`collapse study STUDY.json`): one grid of runs, model families × regimes, all on
/// one corpus with the same generations, seeds and decoding, and read together afterwards.
///
/// ```json
/// {"name": "study", "corpus": "Corpora/wikitext-2", "tokenizer": "icu", "blockSize": 64,
///  "generations": 10, "seeds": [1, 2, 3], "prompts": "original",
///  "beams": 5, "repetitionPenalty": 3.0, "newTokens": 64,
///  "families": [{"name": "ngram5", "model": {"family": "ngram", "order": 5}},
///               {"name": "gpt2", "model": {"family": "gpt2", "init": "base", …}, "base": {"epochs": 8, "init": "scratch"}}],
///  "regimes": [{"regime": "replace"}, {"regime": "real-fraction", "realFraction": 0.1}]}
/// ```
/// A family with `base` is first trained once on the real training blocks (its model section
/// with `base`'s keys over it: a one-generation run of the first seed), and every run of the
/// family starts each generation from that model (`"init": "base"`), as the paper's runs each
/// fine-tune one pre-trained OPT-125m.
public struct StudyConfiguration: Sendable {
    /// One family of the grid.
    public struct Family: Sendable {
        public var name: String
        public var model: JSONValue
        /// The keys over `model` that train the family's base model, when it has one.
        public var base: JSONValue?
    }

    /// One regime of the grid.
    public struct RegimeSetting: Sendable {
        public var regime: Regime
        public var realFraction: Double?

        /// "replace", "gamma0.1", "accumulate": how run names spell it.
        public var label: String {
            switch regime {
            case .replace: "replace"
            case .realFraction: "gamma\(realFraction.map { "\($0)" } ?? "")"
            case .accumulate: "accumulate"
            }
        }
    }

    public var name: String
    public var families: [Family]
    public var regimes: [RegimeSetting]
    /// The keys every run shares (corpus, tokenizer, block size, generations, seeds, decoding).
    var shared: [String: JSONValue]
    public var seeds: [UInt64]
    public var generations: Int

    static let sharedKeys = ["corpus", "tokenizer", "blockSize", "generations", "prompts", "beams", "repetitionPenalty", "newTokens", "seeds"]

    /// Reads a study and checks every run it expands to before anything is touched.
    public static func load(from path: String, registry: FamilyRegistry) throws -> StudyConfiguration {
        var reader = try SettingsReader(try JSONValue.load(path: path), path: path)
        let name = try reader.string("name")
        try FileSystem.checkPlainName(name, what: "name", path: path)
        var shared: [String: JSONValue] = [:]
        for key in sharedKeys { shared[key] = try reader.value(key) }
        let seeds = try reader.distinctUnsignedList("seeds", count: RunLimits.seedCount)
        let generations = try reader.int("generations", RunLimits.generations)
        let families = try list(&reader, "families") { item in
            Family(name: try item.string("name"), model: try item.value("model"), base: item.has("base") ? try item.value("base") : nil)
        }
        let regimes = try list(&reader, "regimes") { item in
            RegimeSetting(regime: try item.choice("regime", Regime.self),
                          realFraction: item.has("realFraction") ? try item.double("realFraction", RunLimits.realFraction) : nil)
        }
        try reader.finish()
        for family in families { try FileSystem.checkPlainName(family.name, what: "families.name", path: path) }
        guard Set(families.map(\.name)).count == families.count else { throw reader.failure("two families share a name") }
        guard Set(regimes.map(\.label)).count == regimes.count else { throw reader.failure("a regime is listed twice") }
        let study = StudyConfiguration(name: name, families: families, regimes: regimes, shared: shared, seeds: seeds, generations: generations)
        for run in study.baseRuns + study.runs {
            _ = try RunConfiguration.parse(run.configuration(baseChecksum: "pending"), path: "\(path) (run \(run.name))", registry: registry)
        }
        return study
    }

    /// Each object of the list at `key`, read whole by `body`.
    private static func list<Item>(_ reader: inout SettingsReader, _ key: String, _ body: (inout SettingsReader) throws -> Item) throws -> [Item] {
        guard case .array(let elements) = try reader.value(key), !elements.isEmpty else {
            throw reader.failure("'\(key)' must be a non-empty list of objects")
        }
        return try elements.enumerated().map { index, element in
            var item = try SettingsReader(element, path: reader.path, prefix: "\(key)[\(index)].")
            let read = try body(&item)
            try item.finish()
            return read
        }
    }

    /// The one-generation runs that train the families' base models.
    public var baseRuns: [StudyRun] {
        families.compactMap { family in
            guard case .object(var model) = family.model, case .object(let overrides)? = family.base else { return nil }
            for (key, value) in overrides { model[key] = value }
            var members = shared
            members["generations"] = .number("1")
            members["seeds"] = .array([.number("\(seeds[0])")])
            return StudyRun(name: "\(name)-\(family.name)-base", family: family.name, regime: nil, members: members, model: .object(model), base: nil)
        }
    }

    /// The grid: every family under every regime.
    public var runs: [StudyRun] {
        families.flatMap { family in
            regimes.map { regime in
                var members = shared
                members["regime"] = .string(regime.regime.rawValue)
                if let fraction = regime.realFraction { members["realFraction"] = .number("\(fraction)") }
                let base = family.base == nil ? nil : "\(name)-\(family.name)-base"
                return StudyRun(name: "\(name)-\(family.name)-\(regime.label)", family: family.name, regime: regime, members: members,
                                model: family.model, base: base)
            }
        }
    }
}

/// One run of a study: its name and the configuration it is run with.
public struct StudyRun: Sendable {
    public var name: String
    public var family: String
    /// Nil for a family's base run.
    public var regime: StudyConfiguration.RegimeSetting?
    var members: [String: JSONValue]
    var model: JSONValue
    /// The base run whose generation-0 model every generation starts from.
    public var base: String?

    /// The model family the run's model section names.
    public var familyName: String {
        if case .object(let members) = model, case .string(let name)? = members["family"] { return name }
        return ""
    }

    /// The base model's file of a base run named `run` in `directory`, for its family's file name.
    public static func baseModelPath(run: String, in directory: String, seed: UInt64, modelFileName: String) -> String {
        "\(directory)/\(run)/seed-\(seed)/gen-0/\(modelFileName)"
    }

    /// The run's configuration; a run on a base model names its file and checksum.
    public func configuration(basePath: String? = nil, baseChecksum: String) -> JSONValue {
        var members = self.members
        members["name"] = .string(name)
        if base != nil, case .object(var model) = model {
            model["base"] = .string(basePath ?? "pending")
            model["baseChecksum"] = .string(baseChecksum)
            members["model"] = .object(model)
        } else {
            members["model"] = model
        }
        if regime == nil { members["regime"] = .string(Regime.replace.rawValue) }
        return .object(members)
    }
}
