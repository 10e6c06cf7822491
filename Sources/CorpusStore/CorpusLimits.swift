import Settings

/// The ranges of a corpus import (README, "Ranges").
public enum CorpusLimits {
    public static let fraction = Limit<Double>(["--fraction"], 0...1, includesLower: false,
        reason: "the share of each split's lines a corpus import keeps")

    public static var rows: [LimitRow] { [fraction.row] }
}
