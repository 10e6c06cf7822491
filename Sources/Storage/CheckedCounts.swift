/// Integers read from files, headers, JSON or the environment, made safe for arithmetic.
///
/// A field another program wrote (or a person edited) can hold any bit pattern; converted or
/// multiplied unchecked, a large one traps the process with no message. These return nil
/// instead, so a reader can name the file and the field.
extension Int {
    /// `value` as a count no larger than `limit`, or nil.
    public init?<T: BinaryInteger>(count value: T, atMost limit: Int = .max) {
        guard value >= 0, let converted = Int(exactly: value), converted <= limit else { return nil }
        self = converted
    }

    /// The product of `factors`, or nil when a factor is negative or the product exceeds `limit`.
    /// - Complexity: O(factors).
    public static func product<S: Sequence>(of factors: S, atMost limit: Int = .max) -> Int? where S.Element == Int {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (product, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow, product <= limit else { return nil }
            result = product
        }
        return result
    }
}
