/// How continuations are written: one value from the command or the run's configuration to the
/// decoder, which sizes its state from it and applies its penalty at every step.
public struct DecodingSettings: Sendable, Codable, Equatable {
    /// Beams kept per step (1 = greedy).
    public var beams: Int
    /// The repetition penalty on log-probabilities of ids already in a beam (prompt included).
    public var repetitionPenalty: Float
    /// Exactly this many new tokens per continuation.
    public var newTokens: Int

    public init(beams: Int = 5, repetitionPenalty: Float = 3.0, newTokens: Int = 64) {
        self.beams = beams
        self.repetitionPenalty = repetitionPenalty
        self.newTokens = newTokens
    }

    /// Candidates a decoder proposes per row and step: as many as there are beams, at least one.
    public var width: Int { max(1, beams) }
}
