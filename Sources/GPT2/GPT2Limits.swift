import Settings

/// The ranges of the transformer's settings (README, "Ranges").
public enum GPT2Limits {
    public static let layers = Limit<Int>(["--layers", "layers"], 1...48, reason: "transformer blocks")
    public static let width = Limit<Int>(["--width", "width"], 8...2048, reason: "the embedding width; a multiple of heads")
    public static let heads = Limit<Int>(["--heads", "heads"], 1...64, reason: "attention heads")
    public static let context = Limit<Int>(["--context", "context"], 2...4096,
        reason: "positions; a run needs block size + new tokens (128 for 64 + 64)")
    public static let batch = Limit<Int>(["--batch-size", "batchSize"], 1...1024, reason: "training blocks per step")
    public static let learningRate = Limit<Double>(["--learning-rate", "learningRate"], 0...1, includesLower: false,
        reason: "the peak of the warm-up then cosine schedule")
    public static let warmupSteps = Limit<Int>(["--warmup-steps", "warmupSteps"], 0...1_000_000, reason: "linear warm-up steps")
    public static let floorRatio = Limit<Double>(["--floor-ratio", "floorRatio"], 0...1, reason: "the last step's rate ÷ the peak")
    public static let weightDecay = Limit<Double>(["--weight-decay", "weightDecay"], 0...1, reason: "AdamW's decoupled decay of 2-D weights")
    public static let clip = Limit<Double>(["--clip", "clip"], 0...1_000, includesLower: false, reason: "the gradient norm is clipped to this")
    public static let epochs = Limit<Int>(["--epochs", "epochs"], 1...1000, reason: "passes over the training blocks")
    public static let steps = Limit<Int>(["--steps", "steps"], 1...100_000_000, reason: "optimizer steps (instead of epochs)")
    public static let seconds = Limit<Double>(["--time-budget", "--gpt2-seconds"], 0...1_000_000, includesLower: false,
        reason: "stop training after this many seconds (the schedule assumes the steps that fit)")

    public static var rows: [LimitRow] {
        [layers.row, width.row, heads.row, context.row, batch.row, warmupSteps.row, epochs.row, steps.row,
         learningRate.row, floorRatio.row, weightDecay.row, clip.row, seconds.row]
    }
}
