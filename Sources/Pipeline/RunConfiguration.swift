import Foundation
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

    static let keys: Set<String> = ["name", "corpus", "tokenizer", "blockSize", "model", "order", "discountFallback", "generations",
                                    "regime", "realFraction", "prompts", "beams", "repetitionPenalty", "newTokens", "seeds"]

    /// Reads and checks a configuration; every problem is one line naming the file.
    public static func load(from path: String) throws -> RunConfiguration {
        let bytes = try InputFile(path: path).readAll()
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw fail("not a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !keys.contains($0) }) {
            throw fail("unknown key '\(unknown)' (known: \(keys.sorted().joined(separator: ", ")))")
        }
        let configuration: RunConfiguration
        do {
            configuration = try JSONDecoder().decode(RunConfiguration.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw fail("missing key '\(key.stringValue)'")
        } catch let DecodingError.dataCorrupted(context) {
            throw fail("bad value for '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw fail("bad value for '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw fail("invalid configuration")
        }
        try configuration.validate(path: path)
        return configuration
    }

    func validate(path: String) throws {
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { throw fail("name '\(name)' must be a plain directory name") }
        guard model == "ngram" else { throw fail("model '\(model)' is not available (known: ngram)") }
        guard (2...6).contains(order) else { throw fail("order must be 2–6 (got \(order))") }
        guard blockSize >= 2 else { throw fail("blockSize must be at least 2 (got \(blockSize))") }
        guard generations >= 1 else { throw fail("generations must be at least 1 (got \(generations))") }
        guard beams >= 1 else { throw fail("beams must be at least 1 (got \(beams))") }
        guard repetitionPenalty > 0 else { throw fail("repetitionPenalty must be positive (got \(repetitionPenalty))") }
        guard newTokens >= 1 else { throw fail("newTokens must be at least 1 (got \(newTokens))") }
        guard !seeds.isEmpty, Set(seeds).count == seeds.count else { throw fail("seeds must be a non-empty list of distinct numbers") }
        switch regime {
        case .realFraction:
            guard let gamma = realFraction else { throw fail("regime real-fraction needs realFraction (γ)") }
            guard gamma >= 0 && gamma <= 1 else { throw fail("realFraction γ must be within [0, 1] (got \(gamma))") }
        case .replace, .accumulate:
            guard realFraction == nil else { throw fail("realFraction applies only to regime real-fraction") }
        }
    }

    /// The corpus path, relative paths taken from the working directory.
    public var corpusPath: String { corpus }
}
