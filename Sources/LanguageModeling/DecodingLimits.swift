import Settings

/// The ranges of the decoding settings (README, "Ranges").
public enum DecodingLimits {
    public static let beams = Limit<Int>(["--beams", "beams"], 1...64,
        reason: "each step ranks beams × beams candidates per prompt; HF's papers use 1–10")
    public static let newTokens = Limit<Int>(["--new-tokens", "newTokens"], 1...1024,
        reason: "the continuations of every prompt are held in memory; a transformer's context bounds it further")
    public static let repetitionPenalty = Limit<Float>(["--penalty", "repetitionPenalty"], 0...100, includesLower: false,
        reason: "1 is no penalty; the paper uses 2 and 3")
    public static let batch = Limit<Int>(["--batch"], 1...4096,
        reason: "prompts decoded together in lockstep; results never depend on it")

    public static var rows: [LimitRow] { [beams.row, newTokens.row, repetitionPenalty.row, batch.row] }
}
