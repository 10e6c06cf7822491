import Settings

/// The ranges of a run's configuration and of its execution (README, "Ranges").
public enum RunLimits {
    public static let generations = Limit<Int>(["generations"], 1...100,
        reason: "generations including generation 0")
    public static let seedCount = Limit<Int>(["seeds (how many)"], 1...100,
        reason: "one independent run per seed, run one after another")
    public static let realFraction = Limit<Double>(["realFraction"], 0...1,
        reason: "γ, the share of real blocks per generation")
    public static let threads = Limit<Int>(["--threads"], 1...256,
        reason: "worker threads; results never depend on it")

    public static var rows: [LimitRow] { [generations.row, seedCount.row, realFraction.row, threads.row] }
}
