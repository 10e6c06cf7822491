import Foundation
import LanguageModeling
import Settings
import Storage
import Synchronization
import Tokenization

/// A toy model family for tests: a full table of next-token probabilities given the previous
/// token (a smoothed bigram), `"model": {"family": "table", "smoothing": 0.5}`. Small enough to
/// check by hand, and a second family for everything that must not name a concrete one.
public struct TableFamily: ModelFamily {
    /// Makes the `n`-th training call (counting from 1) fail as if the process had been killed;
    /// 0 never fails. Shared by copies of the family.
    public let interruption: Interruption

    public init(interruptingTrainingCall call: Int = 0) {
        interruption = Interruption(call: call)
    }

    public var name: String { "table" }
    public var modelFileName: String { "model.table" }

    public func normalizedSettings(_ section: inout SettingsReader) throws -> JSONValue {
        let smoothing = section.has("smoothing") ? try section.double("smoothing", Limit([ "smoothing"], 0...100, includesLower: false, reason: "")) : 0.5
        return .object(["family": .string(name), "smoothing": .number("\(smoothing)")])
    }

    public func estimatedTrainingBytes(settings: JSONValue, tokens: Int, vocabularySize: Int) -> Int {
        vocabularySize * vocabularySize * 4
    }

    public func train(_ request: TrainingRequest) throws -> any LanguageModel {
        if interruption.fire() { throw CollapseError("interrupted (as if killed) while training") }
        guard case .object(let members) = request.settings, case .number(let text)? = members["smoothing"], let smoothing = Double(text) else {
            throw CollapseError("bad table settings")
        }
        return TableModel(counting: request.blocks, vocabulary: request.vocabulary, smoothing: smoothing)
    }

    public func load(from path: String) throws -> any LanguageModel {
        try TableModel(path: path)
    }

    public func contextLimit(settings: JSONValue) -> Int? { nil }

    public func useThreads(_ count: Int) {}

    public func recognizes(path: String) -> Bool {
        (try? InputFile.readText(path: path))?.hasPrefix(TableModel.magic) ?? false
    }

    /// Counts training calls across copies.
    public final class Interruption: Sendable {
        let call: Int
        let calls = Mutex(0)
        init(call: Int) { self.call = call }
        func fire() -> Bool {
            calls.withLock { count in
                count += 1
                return count == call
            }
        }
    }
}

/// p(next | previous token) for every pair, `<s>` standing for "no previous token". `<s>` and
/// `</s>` are never predicted.
public struct TableModel: LanguageModel {
    static let magic = "TABLE1"
    public let vocabulary: Vocabulary
    /// Row-major natural-log probabilities: `logs[previous * V + next]`.
    let logs: [Float]

    init(counting blocks: TrainingSequences, vocabulary: Vocabulary, smoothing: Double) {
        let size = vocabulary.count
        var counts = [Double](repeating: 0, count: size * size)
        blocks.forEach { block in
            var previous = Int(SpecialToken.startOfSequence.id)
            for token in block {
                counts[previous * size + Int(token)] += 1
                previous = Int(token)
            }
        }
        var logs = [Float](repeating: -.infinity, count: size * size)
        for previous in 0..<size {
            let outcomes = (0..<size).filter { Self.predictable(Int32($0)) }
            let total = outcomes.reduce(0.0) { $0 + counts[previous * size + $1] + smoothing }
            for next in outcomes { logs[previous * size + next] = Float(log((counts[previous * size + next] + smoothing) / total)) }
        }
        self.vocabulary = vocabulary
        self.logs = logs
    }

    init(path: String) throws {
        let lines = try InputFile.readText(path: path).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines[0] == Self.magic else { throw CollapseError("not a table model", path: path) }
        let vocabulary = try Vocabulary.parse(String(lines[2...].joined(separator: "\n")), path: path)
        let logs = lines[1].split(separator: " ").compactMap { Float(String($0)) }
        guard logs.count == vocabulary.count * vocabulary.count else { throw CollapseError("table of the wrong size", path: path) }
        self.vocabulary = vocabulary
        self.logs = logs
    }

    static func predictable(_ id: Int32) -> Bool {
        id != SpecialToken.startOfSequence.id && id != SpecialToken.endOfSequence.id
    }

    func row(after previous: Int32) -> ArraySlice<Float> {
        logs[(Int(previous) * vocabulary.count)..<((Int(previous) + 1) * vocabulary.count)]
    }

    public func makeDecoder(prompts: [[Int32]], settings: DecodingSettings) -> any StepDecoder {
        TableDecoder(model: self, settings: settings, last: prompts.map { $0.last ?? SpecialToken.startOfSequence.id })
    }

    public func makeReferenceDecoder(prompts: [[Int32]], settings: DecodingSettings) -> any StepDecoder {
        makeDecoder(prompts: prompts, settings: settings)
    }

    public func nextTokenDistribution(after prefix: [Int32]) -> [Double] {
        row(after: prefix.last ?? SpecialToken.startOfSequence.id).map { Double(exp($0)) }
    }

    public func score(_ sequences: TrainingSequences, mode: SequenceMode) -> [SequenceScore] {
        var scores: [SequenceScore] = []
        sequences.forEach { sequence in
            var score = SequenceScore()
            var previous = SpecialToken.startOfSequence.id
            var total: Float = 0
            for token in sequence {
                total += logs[Int(previous) * vocabulary.count + Int(token)] / Float(M_LN10)
                previous = token
            }
            score.log10Probability = Double(total)
            score.tokens = sequence.count
            scores.append(score)
        }
        return scores
    }

    public var scoresSentences: Bool { false }

    public var contextLimit: Int? { nil }

    public var decoderUsesAllCores: Bool { false }

    public func save(to path: String) throws {
        try FileSystem.writeText("\(Self.magic)\n\(logs.map { "\($0)" }.joined(separator: " "))\n\(vocabulary.fileContents())", to: path)
    }
}

/// Rows as their last token; every query scores the whole row (the table is its own reference).
struct TableDecoder: StepDecoder {
    let model: TableModel
    let settings: DecodingSettings
    var last: [Int32]

    var rowCount: Int { last.count }

    func topCandidates(penalized: [TokenSet]) -> [[ScoredToken]] {
        let (k, penalty) = (settings.width, settings.repetitionPenalty)
        return zip(last, penalized).map { previous, set in
            var all: [ScoredToken] = []
            for (offset, value) in model.row(after: previous).enumerated() where TableModel.predictable(Int32(offset)) {
                let id = Int32(offset)
                all.append(ScoredToken(id: id, score: set.contains(id) ? penalize(value, penalty) : value))
            }
            all.sort(by: ScoredToken.ranksBefore)
            return Array(all.prefix(k))
        }
    }

    mutating func advance(parents: [Int], tokens: [Int32]) {
        last = tokens
    }
}
