import CorpusStore
import Cluster
import GPT2
import LanguageModeling
import NGram
import Pipeline
import Settings
import Tokenization
import VAE

/// The ranges of options only the commands take (README, "Ranges").
enum CommandLimits {
    static let promptLimit = Limit<Int>(["--limit (generate)"], 1...Int(Int32.max),
        reason: "continue only the first N prompts")
    static let kinds = Limit<Int>(["--limit (compare-tokenizers)"], 1...100_000,
        reason: "kinds of difference shown")
    static let repeats = Limit<Int>(["--repeats"], 1...100,
        reason: "bench repetitions (the best is reported)")

    static var rows: [LimitRow] { [promptLimit.row, kinds.row, repeats.row] }

    /// Every module's limits: the README's range table lists each of them.
    static var everyRow: [LimitRow] {
        DecodingLimits.rows + TokenizationLimits.rows + CorpusLimits.rows + NGramLimits.rows + GPT2Limits.rows + RunLimits.rows
            + SlurmLimits.rows + VAELimits.rows + rows
    }
}
