import Settings

/// The ranges of the Slurm executor's settings (README, "Ranges").
public enum SlurmLimits {
    public static let shards = Limit<Int>(["--shards", "slurm.shards"], 1...10_000,
        reason: "array tasks per generation's writing and scoring; results never depend on it")
    public static let pollSeconds = Limit<Double>(["--poll-seconds", "slurm.pollSeconds"], 0.1...600,
        reason: "seconds between looks at the Slurm queue")

    public static var rows: [LimitRow] { [shards.row, pollSeconds.row] }
}
