/// How sequences are formed and scored.
public enum SequenceMode: String, Sendable, Codable, CaseIterable {
    /// Each non-blank line is `<s> … </s>`; scoring predicts `</s>` too (KenLM `query`).
    case sentence
    /// Each block is `<s> t1 … tn </s>` in training; scoring predicts t1 … tn only.
    case block
}
