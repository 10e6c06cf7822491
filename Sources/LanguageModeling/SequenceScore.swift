import Foundation

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
