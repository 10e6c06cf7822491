/// The range of every number a user gives (README, "Ranges"). A test checks that the README's
/// table lists each of them with the same range.
public enum Limits {
    public static let beams = Limit<Int>(["--beams", "beams"], 1...64,
        reason: "each step ranks beams × beams candidates per prompt; HF's papers use 1–10")
    public static let newTokens = Limit<Int>(["--new-tokens", "newTokens"], 1...1024,
        reason: "the continuations of every prompt are held in memory; a transformer's context bounds it further")
    public static let repetitionPenalty = Limit<Float>(["--penalty", "repetitionPenalty"], 0...100, includesLower: false,
        reason: "1 is no penalty; the paper uses 2 and 3")
    public static let blockSize = Limit<Int>(["--block-size", "blockSize"], 2...1024,
        reason: "a block is one training sequence and one prompt")
    public static let order = Limit<Int>(["--order", "order"], 2...6,
        reason: "the n-gram estimator's orders (as KenLM's lmplz with default settings)")
    public static let threads = Limit<Int>(["--threads"], 1...256,
        reason: "worker threads; results never depend on it")
    public static let generations = Limit<Int>(["generations"], 1...100,
        reason: "generations including generation 0")
    public static let seedCount = Limit<Int>(["seeds (how many)"], 1...100,
        reason: "one independent run per seed, run one after another")
    public static let realFraction = Limit<Double>(["realFraction"], 0...1,
        reason: "γ, the share of real blocks per generation")
    public static let promptLimit = Limit<Int>(["--limit (generate)"], 1...Int(Int32.max),
        reason: "continue only the first N prompts")
    public static let minimumCount = Limit<Int>(["--min-count"], 1...1_000_000_000,
        reason: "rarer training tokens become <unk>")
    public static let maximumVocabularySize = Limit<Int>(["--max-size"], 5...16_777_216,
        reason: "the 4 special tokens and at least one word; ids are stored in at most 4 bytes")
    public static let batch = Limit<Int>(["--batch"], 1...4096,
        reason: "prompts decoded together in lockstep; results never depend on it")
    public static let fraction = Limit<Double>(["--fraction"], 0...1, includesLower: false,
        reason: "the share of each split's lines a corpus import keeps")
    public static let repeats = Limit<Int>(["--repeats"], 1...100,
        reason: "bench repetitions (the best is reported)")
    public static let kinds = Limit<Int>(["--limit (compare-tokenizers)"], 1...100_000,
        reason: "kinds of difference shown")
    public static let shards = Limit<Int>(["--shards", "slurm.shards"], 1...10_000,
        reason: "array tasks per generation's writing and scoring; results never depend on it")
    public static let pollSeconds = Limit<Double>(["--poll-seconds", "slurm.pollSeconds"], 0.1...600,
        reason: "seconds between looks at the Slurm queue")

    /// Every limit as a README row: names, range, reason.
    public static var table: [(names: [String], range: String, reason: String)] {
        let integers: [Limit<Int>] = [beams, newTokens, blockSize, order, threads, batch, generations, seedCount, promptLimit,
                                      minimumCount, maximumVocabularySize, repeats, kinds, shards]
        return integers.map { ($0.names, $0.rangeText, $0.reason) }
            + [(repetitionPenalty.names, repetitionPenalty.rangeText, repetitionPenalty.reason),
               (realFraction.names, realFraction.rangeText, realFraction.reason),
               (fraction.names, fraction.rangeText, fraction.reason),
               (pollSeconds.names, pollSeconds.rangeText, pollSeconds.reason)]
    }
}
