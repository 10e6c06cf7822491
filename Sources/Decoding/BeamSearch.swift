import LanguageModeling

/// How continuations are written (SPEC §4).
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
}

/// A finished continuation.
public struct Continuation: Sendable, Equatable {
    /// The new tokens only.
    public var tokens: [Int32]
    /// Σ penalized natural-log probabilities (float32, as Hugging Face accumulates them).
    public var score: Float
}

/// Beam search with Hugging Face `generate` semantics for min = max new tokens (SPEC §4): per
/// step, every live beam's penalized log-probabilities are added to its running score and the
/// best `beams` (beam, token) extensions survive; one beam is live at the first step; ties go
/// to the lower beam, then the lower token id (the flattened index `topk` sees); the result is
/// the best beam after the last step. `<s>`/`</s>` are never produced (the model excludes them).
public enum BeamSearch {
    /// - Parameter candidates: the model's next-token candidates; the default is
    ///   `LanguageModel.topCandidates`, tests pass a dense reference instead.
    public static func continuation<Model: LanguageModel>(
        of prompt: [Int32], with model: Model, settings: DecodingSettings,
        candidates: ((Int, [Model.Context], Float, [TokenSet]) -> [[ScoredToken]])? = nil
    ) -> Continuation {
        typealias Beam = BeamState<Model.Context>
        let vocabularySize = model.vocabulary.count
        var beams = [Beam(context: model.context(after: prompt), penalized: TokenSet(prompt, capacity: vocabularySize),
                          tokens: [], score: 0)]
        let width = max(1, settings.beams)
        for _ in 0..<settings.newTokens {
            let contexts = beams.map(\.context), sets = beams.map(\.penalized)
            let proposals = candidates?(width, contexts, settings.repetitionPenalty, sets)
                ?? model.topCandidates(width, after: contexts, penalty: settings.repetitionPenalty, penalized: sets)
            // Each beam's own best `width` are enough: no more than that many can come from one beam.
            var pool: [(score: Float, beam: Int, token: Int32)] = []
            pool.reserveCapacity(beams.count * width)
            for (beam, tokens) in proposals.enumerated() {
                for token in tokens { pool.append((beams[beam].score + token.score, beam, token.id)) }
            }
            pool.sort { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.beam != b.beam { return a.beam < b.beam }
                return a.token < b.token
            }
            guard !pool.isEmpty else { break }
            beams = pool.prefix(width).map { choice in
                var beam = beams[choice.beam]
                beam.context = model.extending(beam.context, with: choice.token)
                beam.penalized.insert(choice.token)
                beam.tokens.append(choice.token)
                beam.score = choice.score
                return beam
            }
        }
        return Continuation(tokens: beams[0].tokens, score: beams[0].score)
    }
}

/// One live hypothesis.
struct BeamState<Context> {
    var context: Context
    var penalized: TokenSet
    var tokens: [Int32]
    var score: Float
}
