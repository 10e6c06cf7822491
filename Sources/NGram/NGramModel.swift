import Storage
import Tokenization

/// How sequences are formed and scored (issue 3).
public enum SequenceMode: String, Sendable, Codable, CaseIterable {
    /// Each non-blank line is `<s> … </s>`; scoring predicts `</s>` too (KenLM `query`).
    case sentence
    /// Each block is `<s> t1 … tn </s>` in training; scoring predicts t1 … tn only.
    case block
}

/// An interpolated modified Kneser-Ney n-gram model (orders 2–6), stored in backoff form like
/// an ARPA file: every n-gram has log10 p(w | h) already interpolated with lower orders, and
/// every context has log10 of its backoff weight γ(h).
public struct NGramModel: Sendable {
    public let order: Int
    /// Ids 0..<vocabularySize; an id the model never saw in training scores as the unknown word.
    public let vocabularySize: Int
    /// Per order (index 1…order): the discounts used.
    public let discounts: [Discounts]
    /// Size of the uniform distribution at the unigram level: seen types other than `<s>`, plus
    /// one for the unknown word.
    public let uniformSize: Int
    /// log10 p of an unknown word (the unigram level's uniform share).
    public let unknownLog10: Float

    // Order 1 is dense by word id; orders ≥ 2 are hash-indexed (reverse trie).
    var indices: [NGramIndex]
    /// Per order, by n-gram index: log10 p(w | h).
    var log10Probabilities: [[Float]]
    /// Per order below the highest, by n-gram index: log10 γ of the n-gram as a context (0 when it
    /// is no context).
    var log10Backoffs: [[Float]]
    /// Per order ≥ 2, by n-gram index: the index of its context at the order below.
    var contexts: [[Int32]]
    /// Unigrams the model knows (adjusted count > 0, or `<s>`).
    var known: [Bool]

    /// Number of n-grams of order n.
    public func count(order n: Int) -> Int {
        n == 1 ? known.count { $0 } : log10Probabilities[n].count
    }
}
