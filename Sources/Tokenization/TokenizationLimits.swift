import Settings

/// The ranges of a vocabulary and its blocks (README, "Ranges").
public enum TokenizationLimits {
    public static let blockSize = Limit<Int>(["--block-size", "blockSize"], 2...1024,
        reason: "a block is one training sequence and one prompt")
    public static let minimumCount = Limit<Int>(["--min-count"], 1...1_000_000_000,
        reason: "rarer training tokens become <unk>")
    public static let maximumVocabularySize = Limit<Int>(["--max-size"], 5...16_777_216,
        reason: "the 4 special tokens and at least one word; ids are stored in at most 4 bytes")

    public static var rows: [LimitRow] { [blockSize.row, minimumCount.row, maximumVocabularySize.row] }
}
