import LanguageModeling
import Settings
import Storage
import Tokenization

/// The smoothed n-gram as a model family: `"model": {"family": "ngram", "order": 5,
/// "discountFallback": false}`. Trains in block mode on a corpus's blocks, with its vocabulary.
public struct NGramFamily: ModelFamily {
    public init() {}

    public var name: String { "ngram" }
    public var modelFileName: String { "model.mcngram" }

    /// `order` (required, 2–6) and `discountFallback` (default false).
    public func normalizedSettings(_ section: inout SettingsReader) throws -> JSONValue {
        let order = try section.int("order", NGramLimits.order)
        let fallback = section.has("discountFallback") ? try section.bool("discountFallback") : false
        return .object(["family": .string(name), "order": .number("\(order)"), "discountFallback": .bool(fallback)])
    }

    public func estimatedTrainingBytes(settings: JSONValue, tokens: Int, vocabularySize: Int) -> Int {
        NGramModel.estimatedTrainingBytes(tokens: tokens, order: (try? Self.settings(settings).order) ?? NGramLimits.order.range.upperBound)
    }

    public func train(_ request: TrainingRequest) throws -> any LanguageModel {
        let (order, fallback) = try Self.settings(request.settings)
        request.note("training order \(order) on \(request.blocks.count) blocks")
        return try NGramLanguageModel.train(sequences: request.blocks, vocabulary: request.vocabulary, order: order, mode: .block,
                                            discountFallback: fallback)
    }

    public func load(from path: String) throws -> any LanguageModel {
        try NGramLanguageModel.load(from: path)
    }

    /// Our model files by their magic, ARPA files by their extension.
    public func recognizes(path: String) -> Bool {
        if path.hasSuffix(".arpa") || path.hasSuffix(".arpa.zst") { return true }
        guard var file = try? InputFile(path: path) else { return false }
        var start = [UInt8](repeating: 0, count: 7)
        let count = (try? start.withUnsafeMutableBytes { try file.readFully(into: $0) }) ?? 0
        return count == start.count && start == Array("MCNGRAM".utf8)
    }

    public func contextLimit(settings: JSONValue) -> Int? { nil }

    /// Nothing to set: the n-gram's results never depend on the thread count, and its callers
    /// spread its work over their own threads.
    public func useThreads(_ count: Int) {}

    /// The typed settings of a normalized section.
    static func settings(_ section: JSONValue) throws -> (order: Int, discountFallback: Bool) {
        var reader = try SettingsReader(section, path: "model settings")
        _ = try reader.string("family")
        return (try reader.int("order", NGramLimits.order), reader.has("discountFallback") ? try reader.bool("discountFallback") : false)
    }
}
