/// A candidate next token and its score: log p(token | context) — natural log at the
/// `LanguageModel` interface, log10 inside the n-gram index — repetition penalty applied.
public struct ScoredToken: Sendable, Equatable {
    public var id: Int32
    public var score: Float

    public init(id: Int32, score: Float) {
        self.id = id
        self.score = score
    }

    /// Higher score first; ties to the lower id.
    @inlinable
    public static func ranksBefore(_ a: ScoredToken, _ b: ScoredToken) -> Bool {
        a.score != b.score ? a.score > b.score : a.id < b.id
    }
}
