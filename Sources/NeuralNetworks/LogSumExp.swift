/// log Σ exp over a row whose values arrive in parts, each part as its largest value and
/// Σ exp(value − largest): the output heads' workers each reduce their blocks of classes to one
/// part, and the parts join here in a fixed order (so the result does not depend on which
/// thread finished first).
public struct LogSumExp<T: Scalar> {
    /// The largest value so far (−∞ before any part).
    public var maximum: T = -.infinity
    /// Σ exp(value − maximum) so far.
    public var sum: T = 0

    @inlinable public init() {}

    /// Joins a part; a part with no values (largest −∞) changes nothing.
    /// - Complexity: O(1).
    @inlinable
    public mutating func add(maximum partMaximum: T, sum partSum: T) {
        guard partMaximum > -.infinity else { return }
        let combined = Swift.max(maximum, partMaximum)
        sum = sum * T.exp(maximum - combined) + partSum * T.exp(partMaximum - combined)
        maximum = combined
    }

    /// log Σ exp of every value joined (−∞ before any part; not finite when a value was not).
    @inlinable public var value: T { T.log(sum) + maximum }
}
