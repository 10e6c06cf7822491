import LanguageModeling

/// A finished continuation.
public struct Continuation: Sendable, Equatable {
    /// The new tokens only.
    public var tokens: [Int32]
    /// Σ penalized natural-log probabilities (float32, as Hugging Face accumulates them).
    public var score: Float
}

/// Beam search with Hugging Face `generate` semantics for min = max new tokens: per
/// step, every live beam's penalized log-probabilities are added to its running score and the
/// best `beams` (beam, token) extensions survive; one beam is live at the first step; ties go
/// to the lower beam, then the lower token id (the flattened index `topk` sees); the result is
/// the best beam after the last step. `<s>`/`</s>` are never produced (the model excludes them).
///
/// Many prompts advance in lockstep: each step asks the decoder for every live row's best
/// candidates at once, then tells it which row each new beam continues, so a model can do one
/// batched computation per step and reorder its per-row state in place. A prompt's result
/// depends only on that prompt, never on the others in the batch.
public enum BeamSearch {
    /// - Parameters:
    ///   - decoder: rows = one per prompt, in order (a model's `makeDecoder(prompts:settings:)`,
    ///     or its reference decoder); its settings are the search's.
    ///   - vocabularySize: the capacity of the penalty sets.
    /// - Complexity: per step, one decoder call over prompts × beams rows, plus
    ///   O(prompts × beams² log beams) to rank the candidates.
    public static func continuations(of prompts: [[Int32]], decoder: inout any StepDecoder, vocabularySize: Int) throws -> [Continuation] {
        try finalBeams(of: prompts, decoder: &decoder, vocabularySize: vocabularySize).map { $0[0] }
    }

    /// Every prompt's beams after the last step, best first (Hugging Face's `num_return_sequences`
    /// = beams, with the scores not divided by the length).
    public static func finalBeams(of prompts: [[Int32]], decoder: inout any StepDecoder, vocabularySize: Int) throws -> [[Continuation]] {
        precondition(decoder.rowCount == prompts.count, "the decoder must start with one row per prompt")
        let settings = decoder.settings
        let width = settings.width
        var beams = prompts.map { [BeamState(penalized: TokenSet($0, capacity: vocabularySize), tokens: [], score: 0)] }
        var live = Array(prompts.indices)
        for step in 0..<settings.newTokens where !live.isEmpty {
            let sets = live.flatMap { beams[$0].map(\.penalized) }
            let proposals = try decoder.topCandidates(penalized: sets)
            var parents: [Int] = [], tokens: [Int32] = []
            var stillLive: [Int] = []
            var row = 0
            for prompt in live {
                let current = beams[prompt]
                let chosen = best(width, of: proposals[row..<(row + current.count)], beams: current)
                if !chosen.isEmpty {
                    // A prompt with no candidate left (nothing generatable) keeps what it has.
                    beams[prompt] = chosen.map { choice in
                        var beam = current[choice.beam]
                        beam.penalized.insert(choice.token)
                        beam.tokens.append(choice.token)
                        beam.score = choice.score
                        return beam
                    }
                    parents += chosen.map { row + $0.beam }
                    tokens += chosen.map(\.token)
                    stillLive.append(prompt)
                }
                row += current.count
            }
            live = stillLive
            // The last token is chosen, never fed: nothing asks for what follows it.
            if step + 1 < settings.newTokens { decoder.advance(parents: parents, tokens: tokens) }
        }
        return beams.map { $0.map { Continuation(tokens: $0.tokens, score: $0.score) } }
    }

    /// One prompt through the model's own decoder.
    public static func continuation(of prompt: [Int32], with model: any LanguageModel, settings: DecodingSettings) throws -> Continuation {
        var decoder = model.makeDecoder(prompts: [prompt], settings: settings)
        return try continuations(of: [prompt], decoder: &decoder, vocabularySize: model.vocabulary.count)[0]
    }

    /// The best `width` (beam, token) extensions of one prompt's beams: by running score, then
    /// the lower beam, then the lower token. Each beam's own best `width` are enough: no more
    /// than that many can come from one beam.
    static func best(_ width: Int, of proposals: ArraySlice<[ScoredToken]>, beams: [BeamState]) -> [(score: Float, beam: Int, token: Int32)] {
        var pool: [(score: Float, beam: Int, token: Int32)] = []
        pool.reserveCapacity(beams.count * width)
        for (beam, candidates) in proposals.enumerated() {
            for candidate in candidates { pool.append((beams[beam].score + candidate.score, beam, candidate.id)) }
        }
        pool.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.beam != b.beam { return a.beam < b.beam }
            return a.token < b.token
        }
        return Array(pool.prefix(width))
    }
}

/// One live hypothesis.
struct BeamState {
    var penalized: TokenSet
    var tokens: [Int32]
    var score: Float
}
