import Reporting
import Storage

/// Recursive fitting of a Gaussian (the paper's §4.2): X⁰ ~ N(μ, σ²); each generation fits μ and
/// σ² with the unbiased estimators and the next generation samples the fit.
public struct GaussianExperiment: Sendable, Codable, Equatable {
    /// What each fit sees.
    public enum Regime: String, Sendable, Codable, CaseIterable {
        /// M samples of the previous fit only (the paper's Fig. 4).
        case replace
        /// M samples drawn without replacement from the pool of all data so far, real included (Fig. 5).
        case pool
        /// The whole pool of all data so far (Fig. 6).
        case accumulate
    }

    public var mean = 0.0
    public var variance = 1.0
    /// M: samples per generation.
    public var samples = 100
    public var generations = 50
    public var runs = 1_000
    public var seed: UInt64 = 1
    public var regime = Regime.replace

    public init() {}

    /// - Throws: naming the first option out of its range.
    public func validate() throws {
        guard samples >= 2 else { throw CollapseError("--samples must be at least 2 (the unbiased variance needs two samples), not \(samples)") }
        guard variance > 0, variance.isFinite else { throw CollapseError("--variance must be positive and finite, not \(variance)") }
        guard mean.isFinite else { throw CollapseError("--mean must be finite") }
        guard generations >= 1 else { throw CollapseError("--generations must be at least 1, not \(generations)") }
        guard runs >= 2 else { throw CollapseError("--runs must be at least 2 (a standard error needs two), not \(runs)") }
    }

    /// One run: per generation k, (μₖ − μ)² + σₖ² of the distribution generation k samples
    /// from, and the fit to generation k's data (its mean and standard deviation).
    /// - Complexity: O(generations × M) for `replace`, O(generations² × M) for the pooled regimes.
    func run(_ index: Int) -> [(spread: Double, fittedMean: Double, fittedDeviation: Double)] {
        var normal = NormalSampler(seed: RunSeeds.seed(seed, run: index))
        var (currentMean, currentDeviation) = (mean, variance.squareRoot())
        var pool: [Double] = []
        var rows: [(spread: Double, fittedMean: Double, fittedDeviation: Double)] = []
        for _ in 0..<generations {
            let spread = (currentMean - mean) * (currentMean - mean) + currentDeviation * currentDeviation
            let data = (0..<samples).map { _ in currentMean + currentDeviation * normal.next() }
            let fitted: (mean: Double, variance: Double)
            switch regime {
            case .replace:
                fitted = Self.fit(data)
            case .accumulate:
                pool += data
                fitted = Self.fit(pool)
            case .pool:
                pool += data
                fitted = Self.fit(Self.subsample(pool, count: samples, random: &normal.random))
            }
            (currentMean, currentDeviation) = (fitted.mean, fitted.variance.squareRoot())
            rows.append((spread, currentMean, currentDeviation))
        }
        return rows
    }

    /// The sample mean and the unbiased sample variance.
    static func fit(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, squares / Double(values.count - 1))
    }

    /// `count` values drawn without replacement (a partial Fisher–Yates shuffle of a copy).
    static func subsample(_ values: [Double], count: Int, random: inout SplitMix64) -> [Double] {
        var copy = values
        for i in 0..<min(count, copy.count) {
            copy.swapAt(i, i + Int(random.next() % UInt64(copy.count - i)))
        }
        return Array(copy.prefix(count))
    }

    /// Runs every run and gathers the statistics by generation.
    /// - Complexity: `runs` × the cost of one run, spread over `threads`.
    public func simulate(threads: Int) -> GaussianResult {
        let all = RunSeeds.simulate("theory gaussian (\(regime.rawValue), M \(samples))", runs: runs, threads: threads) { run($0) }
        var rows = (0..<generations).map { GaussianResult.Generation(generation: $0) }
        for run in all {
            for (k, row) in run.enumerated() {
                rows[k].sampleVariance.add(row.spread)
                rows[k].w2Squared.add((row.fittedMean - mean) * (row.fittedMean - mean)
                                      + (row.fittedDeviation - variance.squareRoot()) * (row.fittedDeviation - variance.squareRoot()))
                rows[k].fittedDeviation.add(row.fittedDeviation)
                rows[k].fittedVariance.add(row.fittedDeviation * row.fittedDeviation)
            }
        }
        return GaussianResult(experiment: self, generations: rows)
    }
}
