import Storage

/// Stage 3: modified Kneser-Ney discounts for one order, from the count-of-counts of adjusted
/// counts (Chen & Goodman 1998, eq. 26): with Y = t1 / (t1 + 2 t2),
/// D1 = 1 − 2Y t2/t1, D2 = 2 − 3Y t3/t2, D3+ = 3 − 4Y t4/t3.
///
/// Computed in single precision with KenLM's order of operations, so that the model's stored
/// probabilities are bit-identical to `lmplz`'s.
public struct Discounts: Sendable, Equatable, Codable {
    public var d1: Float
    public var d2: Float
    public var d3: Float

    public init(d1: Float, d2: Float, d3: Float) {
        self.d1 = d1
        self.d2 = d2
        self.d3 = d3
    }

    /// - Parameter countOfCounts: t1…t4, the number of n-grams with adjusted count 1…4.
    public init(countOfCounts t: [Int], order: Int) throws {
        guard t.count >= 4, t[0] > 0, t[1] > 0, t[2] > 0, t[3] > 0 else {
            throw CollapseError("too little training data for modified Kneser-Ney at order \(order): the number of \(order)-grams with adjusted counts 1, 2, 3 and 4 must all be non-zero (got \(t.prefix(4).map(String.init).joined(separator: ", "))); --discount-fallback uses 0.5, 1, 1.5 instead")
        }
        let y = Float(t[0]) / Float(Double(t[0]) + 2.0 * Double(t[1]))
        func amount(_ j: Int) -> Float {
            Float(j) - Float(j + 1) * y * Float(t[j]) / Float(t[j - 1])
        }
        d1 = amount(1)
        d2 = amount(2)
        d3 = amount(3)
        for (name, value, limit) in [("D1", d1, Float(1)), ("D2", d2, 2), ("D3+", d3, 3)] where !(value > 0 && value < limit) {
            throw CollapseError("modified Kneser-Ney discount \(name) at order \(order) is \(value), outside (0, \(limit)): the counts are too irregular (is the training data tiny or duplicated?); --discount-fallback uses 0.5, 1, 1.5 instead")
        }
    }

    /// KenLM's `--discount_fallback` values, for data too small or irregular for the formula.
    public static let fallback = Discounts(d1: 0.5, d2: 1.0, d3: 1.5)

    /// The formula's discounts, or `fallback` when they cannot be computed and `allowFallback`.
    public static func estimate(countOfCounts t: [Int], order: Int, allowFallback: Bool) throws -> Discounts {
        do {
            return try Discounts(countOfCounts: t, order: order)
        } catch where allowFallback {
            return fallback
        }
    }

    /// The discount for an adjusted count ≥ 1.
    @inline(__always)
    public func discount(_ count: Int32) -> Float {
        count == 1 ? d1 : count == 2 ? d2 : d3
    }

    /// Count-of-counts t1…t4 of a list of adjusted counts.
    static func countOfCounts(_ counts: [Int32]) -> [Int] {
        var t = [0, 0, 0, 0]
        for count in counts where count >= 1 && count <= 4 { t[Int(count) - 1] += 1 }
        return t
    }
}
