/// Softmax over the vocabulary fused with the cross-entropy loss, the heaviest elementwise work
/// of a language model: one pass finds each row's maximum, one exponentiates in place and sums,
/// one turns the row into its gradient. Forward and backward side by side.
public enum SoftmaxCrossEntropy {
    /// Per row: losses[n] = log Σ exp(logits[n]) − logits[n, targets[n]] (natural log); then, when
    /// `gradientScale` is given, the row is overwritten with its gradient
    /// (softmax − one-hot(target)) · gradientScale. Rows whose target is negative are skipped
    /// (loss 0, gradient 0).
    /// - Complexity: O(rows × classes), three passes over each row.
    @inlinable
    public static func forwardBackward<T: Scalar>(_ logits: UnsafeMutablePointer<T>, targets: UnsafePointer<Int32>, losses: UnsafeMutablePointer<T>,
                                                  rows: Int, classes: Int, gradientScale: T?) {
        Parallel.forEach(rows, grain: 8) { range in
            for n in range {
                let row = logits + n * classes
                let target = Int(targets[n])
                guard target >= 0 else {
                    losses[n] = 0
                    if gradientScale != nil { row.update(repeating: 0, count: classes) }
                    continue
                }
                let targetLogit = row[target]
                let largest = T.maximum(row, count: classes)
                guard let scale = gradientScale else {
                    losses[n] = T.log(T.sumOfExponentials(row, count: classes, shift: largest)) + largest - targetLogit
                    continue
                }
                let sum = T.exponentiate(row, count: classes, shift: largest)
                losses[n] = T.log(sum) + largest - targetLogit
                let factor = scale / sum
                for i in 0..<classes { row[i] *= factor }
                row[target] -= scale
            }
        }
    }

    /// log Σ exp(row) of each row (for log-probabilities: logit − this). O(rows × classes).
    @inlinable
    public static func logSumExp<T: Scalar>(_ logits: UnsafePointer<T>, rows: Int, classes: Int, into result: UnsafeMutablePointer<T>) {
        Parallel.forEach(rows, grain: 8) { range in
            for n in range {
                let row = logits + n * classes
                let largest = T.maximum(row, count: classes)
                result[n] = T.log(T.sumOfExponentials(row, count: classes, shift: largest)) + largest
            }
        }
    }
}
