import Settings

/// The ranges of the n-gram family's settings (README, "Ranges").
public enum NGramLimits {
    public static let order = Limit<Int>(["--order", "order"], 2...6,
        reason: "the n-gram estimator's orders (as KenLM's lmplz with default settings)")

    public static var rows: [LimitRow] { [order.row] }
}
