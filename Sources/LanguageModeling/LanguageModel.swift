import Tokenization

/// What decoding, scoring and the pipeline need from a language model, whatever its family.
///
/// Scores at this interface are natural-log probabilities (as `log_softmax` gives), with the
/// repetition penalty of SPEC §4 applied by the model, since only it knows which candidates it
/// can skip; sequence scores are log10 (KenLM's unit). Contexts always begin after `<s>`.
public protocol LanguageModel: Sendable {
    /// A model's state after a prefix: n-gram history, or a transformer's token window.
    associatedtype Context: Sendable

    /// The ids the model reads and writes.
    var vocabulary: Vocabulary { get }

    /// The context after `<s>` and then `tokens`.
    func context(after tokens: [Int32]) -> Context

    /// `context` followed by `token`.
    func extending(_ context: Context, with token: Int32) -> Context

    /// For each context, its k best next tokens: log p with the repetition penalty applied to the
    /// ids in the matching `penalized` set; best first, ties to the lower id; never `<s>` or `</s>`.
    /// Must equal scoring the whole vocabulary and sorting.
    func topCandidates(_ k: Int, after contexts: [Context], penalty: Float, penalized: [TokenSet]) -> [[ScoredToken]]

    /// Each sequence's score under the block or sentence convention.
    func score(_ sequences: TrainingSequences, mode: SequenceMode) -> [SequenceScore]

    func save(to path: String) throws
}
