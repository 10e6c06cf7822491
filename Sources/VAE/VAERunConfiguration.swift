import Foundation
import Settings
import Storage

/// A recursive VAE run: generation 0 learns the real digits, each later one learns from images
/// its predecessor sampled (all of them, or all but a fresh real fraction).
public struct VAERunConfiguration: Codable, Sendable, Equatable {
    /// What each generation after the first learns from (the regimes of the recursive pipeline).
    public enum Regime: String, Codable, Sendable, CaseIterable {
        /// Only the previous generation's samples.
        case replace
        /// A fresh random `realFraction` of real digits each generation, the rest samples.
        case realFraction = "real-fraction"
    }

    public var generations = 10
    public var regime = Regime.replace
    /// γ of `real-fraction` (0 for `replace`).
    public var realFraction = 0.0
    /// Images each generation samples and the next learns from; nil: as many as the real digits.
    public var samples: Int?
    public var seeds: [UInt64] = [1]
    public var architecture = VAEArchitecture()
    public var training = VAETraining()
    /// Reparameterised draws averaged in each image's ELBO under generation 0.
    public var draws = 8

    public init() {}

    public func validate() throws {
        try architecture.validate()
        try training.validate()
        try VAELimits.generations.check(generations, as: "--generations")
        try VAELimits.seedCount.check(seeds.count, as: "the number of --seeds")
        guard Set(seeds).count == seeds.count else { throw CollapseError("--seeds lists a seed twice") }
        try VAELimits.draws.check(draws, as: "--draws")
        if let samples { try VAELimits.samples.check(samples, as: "--samples") }
        switch regime {
        case .replace:
            guard realFraction == 0 else { throw CollapseError("--real-fraction is only taken with --regime real-fraction") }
        case .realFraction:
            try VAELimits.realFraction.check(realFraction, as: "--real-fraction")
        }
    }

    /// The seed of one purpose (`salt`) at one generation of one run seed: every random choice
    /// depends on these three alone, so a resumed run draws what an uninterrupted one would.
    static func seed(_ seed: UInt64, generation: Int, salt: UInt64) -> UInt64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(generation) &* 0xD1B5_4A32_D192_ED03) ^ salt)
        return mixer.next()
    }
}
