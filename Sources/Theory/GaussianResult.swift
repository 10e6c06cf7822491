import Reporting
import Storage

/// The simulation's statistics by generation, beside the theory's values.
public struct GaussianResult: Sendable, Codable {
    public struct Generation: Sendable, Codable {
        /// k: the data of generation k (0: the real data) and the fit to them (fit k + 1).
        public var generation: Int
        /// Var(Xᵏⱼ): the mean over runs of (μₖ − μ)² + σₖ² of the distribution generation k samples.
        public var sampleVariance = MonteCarloMean()
        /// W₂² between N(μ, σ²) and the fit to generation k's data.
        public var w2Squared = MonteCarloMean()
        public var fittedDeviation = MonteCarloMean()
        public var fittedVariance = MonteCarloMean()

        init(generation: Int) {
            self.generation = generation
        }
    }

    public var experiment: GaussianExperiment
    public var generations: [Generation]

    /// Theory for generation k, where it is known (`replace`): Var(Xᵏ), and E[W₂²] of fit k + 1
    /// exactly, to first order, and as the paper prints it.
    public func theory(_ k: Int) -> (sampleVariance: Double, w2Squared: Double, firstOrder: Double, paper: Double)? {
        guard experiment.regime == .replace else { return nil }
        let (v, m) = (experiment.variance, experiment.samples)
        return (GaussianTheory.sampleVariance(generation: k, variance: v, samples: m),
                GaussianTheory.expectedW2Squared(fits: k + 1, variance: v, samples: m),
                GaussianTheory.expectedW2SquaredFirstOrder(fits: k + 1, variance: v, samples: m),
                GaussianTheory.paperW2Squared(fits: k + 1, variance: v, samples: m))
    }

    /// The largest |z| of the simulation against each theory value over all generations:
    /// variance, exact W₂², first-order W₂², the paper's W₂².
    public var largestZScores: (sampleVariance: Double, w2Squared: Double, firstOrder: Double, paper: Double)? {
        guard experiment.regime == .replace else { return nil }
        var worst = (0.0, 0.0, 0.0, 0.0)
        for row in generations {
            guard let theory = theory(row.generation) else { continue }
            worst.0 = max(worst.0, abs(row.sampleVariance.zScore(against: theory.sampleVariance)))
            worst.1 = max(worst.1, abs(row.w2Squared.zScore(against: theory.w2Squared)))
            worst.2 = max(worst.2, abs(row.w2Squared.zScore(against: theory.firstOrder)))
            worst.3 = max(worst.3, abs(row.w2Squared.zScore(against: theory.paper)))
        }
        return worst
    }

    /// One row per generation: the simulation's means and standard errors, then the theory.
    public func table() -> String {
        var text = "generation\tsample_variance\tsample_variance_se\tw2_squared\tw2_squared_se\tfitted_sigma\tfitted_sigma_se\tfitted_variance\tfitted_variance_se"
        text += experiment.regime == .replace ? "\ttheory_sample_variance\ttheory_w2_squared\tfirst_order_w2_squared\tpaper_w2_squared\n" : "\n"
        for row in generations {
            let values = [row.sampleVariance, row.w2Squared, row.fittedDeviation, row.fittedVariance].flatMap { [$0.mean, $0.standardError] }
            text += "\(row.generation)\t" + values.map { "\($0)" }.joined(separator: "\t")
            if let theory = theory(row.generation) {
                text += "\t\(theory.sampleVariance)\t\(theory.w2Squared)\t\(theory.firstOrder)\t\(theory.paper)"
            }
            text += "\n"
        }
        return text
    }

    /// Writes gaussian.tsv, gaussian.json and report.html into `directory`.
    public func write(to directory: String) throws {
        try FileSystem.createDirectory(directory)
        try FileSystem.writeText(table(), to: "\(directory)/gaussian.tsv")
        try FileSystem.writeText(try prettyJSON(self), to: "\(directory)/gaussian.json")
        try FileSystem.writeText(GaussianReport(result: self).html(), to: "\(directory)/report.html")
    }
}
