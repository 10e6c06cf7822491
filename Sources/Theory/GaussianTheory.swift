import Foundation

/// What theory says about fitting a Gaussian to M samples of the previous fit, generation after
/// generation (the `replace` regime), with the unbiased estimators of mean and variance.
///
/// Generation 0 is X⁰ ~ N(μ, σ²); fit k (k = 1, 2, …) estimates (μₖ, σₖ²) from M samples of
/// N(μₖ₋₁, σ²ₖ₋₁) and generation k samples N(μₖ, σₖ²). Then:
/// - μₖ₊₁ = μₖ + σₖ·Z/√M, and E[σₖ²] = σ² (unbiased at every step), so E[(μₖ − μ)²] = kσ²/M and
///   Var(Xᵏⱼ) = E[(μₖ − μ)²] + E[σₖ²] = σ²(1 + k/M), exactly.
/// - σₖ = σ·∏ √(χ²ᵢ/(M−1)) over k independent χ² draws with M − 1 degrees of freedom, so
///   E[σₖ] = σ·cᵏ with c = E[√(χ²/(M−1))] = √(2/(M−1))·Γ(M/2)/Γ((M−1)/2) = 1 − 1/(4M) + O(1/M²):
///   the mean of σ drifts down while the mean of σ² stays put.
/// - W₂² between N(μ, σ²) and N(μₖ, σₖ²) is (μₖ − μ)² + (σₖ − σ)², so
///   E[W₂²] = σ²(k/M + 2(1 − cᵏ)) exactly, = σ²·3k/(2M) to first order in 1/M: the σ part adds
///   σ²/(2M) per fit, not only at the last one.
public enum GaussianTheory {
    /// c = E[√(χ²_{M−1}/(M−1))], through log-gamma for large M.
    public static func chiMeanFactor(samples: Int) -> Double {
        let k = Double(samples - 1)
        return (2 / k).squareRoot() * exp(lgamma((k + 1) / 2) - lgamma(k / 2))
    }

    /// Var(Xᵏⱼ) for the samples of generation k (k = 0: the real data).
    public static func sampleVariance(generation k: Int, variance: Double, samples: Int) -> Double {
        variance * (1 + Double(k) / Double(samples))
    }

    /// E[W₂²] between N(μ, σ²) and the k-th fit, exactly.
    public static func expectedW2Squared(fits k: Int, variance: Double, samples: Int) -> Double {
        variance * (Double(k) / Double(samples) + 2 * (1 - pow(chiMeanFactor(samples: samples), Double(k))))
    }

    /// E[W₂²] to first order in 1/M: σ²·3k/(2M).
    public static func expectedW2SquaredFirstOrder(fits k: Int, variance: Double, samples: Int) -> Double {
        variance * 1.5 * Double(k) / Double(samples)
    }

    /// The formula printed in the paper, σ²(1/M₀ + … + 1/M_{k−2} + 3/(2M_{k−1})) for the k-th fit,
    /// with every Mᵢ = M: σ²((k − 1)/M + 3/(2M)).
    public static func paperW2Squared(fits k: Int, variance: Double, samples: Int) -> Double {
        variance * (Double(k - 1) + 1.5) / Double(samples)
    }
}
