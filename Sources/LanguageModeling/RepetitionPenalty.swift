/// The repetition penalty on a log-probability: a negative score is multiplied by
/// the penalty, a positive one divided (log-probabilities are never positive, but the rule is
/// the reference's).
@inline(__always)
public func penalize(_ score: Float, _ penalty: Float) -> Float {
    score < 0 ? score * penalty : score / penalty
}
