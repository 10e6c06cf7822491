import Foundation

/// How sequences are formed and scored (issue 3).
public enum SequenceMode: String, Sendable, Codable, CaseIterable {
    /// Each non-blank line is `<s> … </s>`; scoring predicts `</s>` too (KenLM `query`).
    case sentence
    /// Each block is `<s> t1 … tn </s>` in training; scoring predicts t1 … tn only.
    case block
}

/// The result of scoring one or more sequences.
///
/// Within a sequence, log10 probabilities are summed in single precision in token order — as
/// KenLM does — so per-sequence figures equal KenLM's to the bit; sequences are pooled in
/// double precision.
public struct SequenceScore: Sendable, Equatable {
    /// Σ log10 p over the predicted tokens.
    public var log10Probability: Double = 0
    /// Predicted tokens (including `</s>` in sentence mode, and unknown words).
    public var tokens = 0
    /// Predicted tokens the model has never seen.
    public var unknownTokens = 0

    public init() {}

    /// 10^(−Σ log10 p / tokens).
    public var perplexity: Double {
        tokens == 0 ? .nan : pow(10, -log10Probability / Double(tokens))
    }

    public static func += (lhs: inout SequenceScore, rhs: SequenceScore) {
        lhs.log10Probability += rhs.log10Probability
        lhs.tokens += rhs.tokens
        lhs.unknownTokens += rhs.unknownTokens
    }
}

/// A set of token ids as a bit set over the vocabulary: O(1) membership, 4 KB for 33k ids.
public struct TokenSet: Sendable, Equatable {
    private var bits: [UInt64]

    public init(capacity: Int) {
        bits = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }

    public init<S: Sequence>(_ ids: S, capacity: Int) where S.Element == Int32 {
        self.init(capacity: capacity)
        for id in ids { insert(id) }
    }

    public mutating func insert(_ id: Int32) {
        guard id >= 0, Int(id) / 64 < bits.count else { return }
        bits[Int(id) / 64] |= 1 << UInt64(id % 64)
    }

    @inline(__always)
    public func contains(_ id: Int32) -> Bool {
        guard id >= 0, Int(id) / 64 < bits.count else { return false }
        return bits[Int(id) / 64] & (1 << UInt64(id % 64)) != 0
    }
}

/// A candidate next token and its score: log p(token | context) — natural log at the
/// `LanguageModel` interface, log10 inside the n-gram index — repetition penalty applied.
public struct ScoredToken: Sendable, Equatable {
    public var id: Int32
    public var score: Float

    public init(id: Int32, score: Float) {
        self.id = id
        self.score = score
    }

    /// Higher score first; ties to the lower id (SPEC §4).
    @inline(__always)
    public static func ranksBefore(_ a: ScoredToken, _ b: ScoredToken) -> Bool {
        a.score != b.score ? a.score > b.score : a.id < b.id
    }
}

/// The repetition penalty of SPEC §4 on a log-probability: a negative score is multiplied by
/// the penalty, a positive one divided (log-probabilities are never positive, but the rule is
/// the reference's).
@inline(__always)
public func penalize(_ score: Float, _ penalty: Float) -> Float {
    score < 0 ? score * penalty : score / penalty
}

