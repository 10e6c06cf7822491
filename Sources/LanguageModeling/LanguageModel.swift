import Tokenization

/// What decoding, scoring and the pipeline need from a trained model, whatever its family.
///
/// Scores at this interface are natural-log probabilities (as `log_softmax` gives), with the
/// repetition penalty applied by the model, since only it knows which candidates it
/// can skip; sequence scores are log10 (KenLM's unit). Every context begins after `<s>`.
public protocol LanguageModel: Sendable {
    /// The ids the model reads and writes.
    var vocabulary: Vocabulary { get }

    /// A lockstep decoder with one row per prompt, proposing and penalizing as `settings` say
    /// and sized for their beams and new tokens: the fast path beam search uses.
    func makeDecoder(prompts: [[Int32]], settings: DecodingSettings) -> any StepDecoder

    /// The plain reference for `makeDecoder`: the same candidates, found by scoring the whole
    /// vocabulary and sorting. Tests compare the two.
    func makeReferenceDecoder(prompts: [[Int32]], settings: DecodingSettings) -> any StepDecoder

    /// p(next | `<s>` prefix) over every outcome: the vocabulary's ids in order, then any
    /// outcome the model has beyond them (an n-gram's unknown word). Sums to 1.
    func nextTokenDistribution(after prefix: [Int32]) -> [Double]

    /// Each sequence's score under the block or sentence convention.
    /// - Throws: for a sequence the model cannot read (longer than its context), or scores that
    ///   are not finite (weights that overflow): never a NaN in the result.
    func score(_ sequences: TrainingSequences, mode: SequenceMode) throws -> [SequenceScore]

    /// A sequence's score is the same wherever it is scored as long as its index in the list
    /// scored is the same modulo this (a transformer scores in batches whose matrix products
    /// round by a row's position); 1 for a model whose scores never depend on it.
    var scoringAlignment: Int { get }

    /// Whether `score(_:mode: .sentence)` is meaningful (a model that knows `</s>`).
    var scoresSentences: Bool { get }

    /// Whether one decoder already spreads its work over every core (batched matrix products
    /// over its rows): the corpus writer then decodes one batch at a time rather than one per
    /// thread.
    var decoderUsesAllCores: Bool { get }

    /// The most tokens of prompt and continuation together a decoding row can take; nil for no
    /// limit. (A transformer feeds `<s>` and every token but the last: its context.)
    var contextLimit: Int? { get }

    func save(to path: String) throws
}

extension LanguageModel {
    public var scoringAlignment: Int { 1 }
}

/// Many decoding rows advanced one token at a time, in lockstep, so that a model can batch each
/// step's work (one matrix product for all rows) and keep per-row state (an n-gram history, a
/// transformer's key/value cache) that it reorders as beams fork and die.
public protocol StepDecoder {
    /// Rows currently decoded.
    var rowCount: Int { get }

    /// What the decoder was made for: its candidates per row, its penalty, its steps.
    var settings: DecodingSettings { get }

    /// For each row, its `settings.width` best next tokens: log p with the repetition penalty
    /// applied to the ids in that row's `penalized` set; best first, ties to the lower id;
    /// never `<s>` or `</s>`. Must equal scoring the whole vocabulary and sorting.
    /// - Throws: when a row's scores are not finite (weights that overflow), rather than
    ///   proposing nothing.
    mutating func topCandidates(penalized: [TokenSet]) throws -> [[ScoredToken]]

    /// The next step's rows: row i continues the current row `parents[i]` with `tokens[i]`.
    /// Rows may be forked (a parent listed twice) or dropped (not listed).
    mutating func advance(parents: [Int], tokens: [Int32])
}
