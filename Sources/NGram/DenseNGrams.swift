/// The output of estimation (and of ARPA import): n-grams indexed densely 0..<count per order.
/// `NGramModel(laying:)` turns it into probing tables.
struct DenseNGrams {
    var order: Int
    var vocabularySize: Int
    /// Per order n ≥ 2: keys (suffix's dense index at n−1, first word) → dense index.
    var indices: [NGramIndex]
    /// Per order n ≥ 1, by dense index (order 1: by word id).
    var log10Probabilities: [[Float]]
    /// Per order 1 ≤ n < order, by dense index: log10 γ as a context (0 if no context).
    var log10Backoffs: [[Float]]
    /// Per order n ≥ 2, by dense index: the dense index of its context at n−1.
    var contexts: [[Int32]]
    var known: [Bool]
}
