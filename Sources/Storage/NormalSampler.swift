import Foundation

/// Standard normal samples from a seed (SplitMix64 and the Box–Muller transform): the same
/// sequence on every platform and run.
public struct NormalSampler: Sendable {
    public var random: SplitMix64
    var spare: Double?

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// The next N(0, 1) sample.
    public mutating func next() -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        let u1 = (Double(random.next() >> 11) + 1) / 9_007_199_254_740_992 // in (0, 1]: log(u1) is finite
        let u2 = random.unitInterval()
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        spare = radius * Foundation.sin(2 * .pi * u2)
        return radius * Foundation.cos(2 * .pi * u2)
    }
}

extension SplitMix64 {
    /// A uniform sample of [0, 1) with 53 random bits.
    public mutating func unitInterval() -> Double {
        Double(next() >> 11) / 9_007_199_254_740_992
    }
}
