/// The `k` best of a stream of candidates, kept in `ScoredToken` order (higher score first,
/// ties to the lower id): what every decoder's top-k selection is built on, so all of them rank
/// and break ties alike.
///
/// A sorted insertion list rather than a heap: `k` is a beam count (at most a few dozen), most
/// candidates are rejected by one comparison with the k-th, and the list is already in the
/// order callers return.
///
/// - Complexity: `offer` is O(1) for a candidate that ranks below the k-th, O(k) otherwise.
public struct TopK: Sendable {
    /// How many candidates are kept.
    public let k: Int
    /// The best candidates offered so far, best first; at most `k`.
    public var tokens: [ScoredToken] { kept }
    @usableFromInline var kept: [ScoredToken] = []

    public init(_ k: Int) {
        self.k = max(k, 0)
        kept.reserveCapacity(self.k + 1)
    }

    /// The k-th best candidate once `k` are kept (a candidate must rank before it to enter);
    /// nil before.
    @inlinable public var kth: ScoredToken? { k > 0 && kept.count == k ? kept[k - 1] : nil }

    /// Keeps `candidate` if it ranks among the best `k` offered so far.
    @inlinable
    public mutating func offer(_ candidate: ScoredToken) {
        guard k > 0 else { return }
        if kept.count == k, let last = kept.last, !ScoredToken.ranksBefore(candidate, last) { return }
        var position = kept.count
        while position > 0 && ScoredToken.ranksBefore(candidate, kept[position - 1]) { position -= 1 }
        kept.insert(candidate, at: position)
        if kept.count > k { kept.removeLast() }
    }
}
