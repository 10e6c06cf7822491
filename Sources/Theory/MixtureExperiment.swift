import Foundation
import Reporting
import Storage

/// Recursive fitting of a two-component Gaussian mixture by EM (the paper's §5.1, Fig. 7 and
/// 13): generation 0 samples the real mixture; each generation fits a mixture to its M samples
/// (EM started from the previous fit) and the next samples the fit. The L2 distance between
/// each fit's density and the real one measures the drift.
public struct MixtureExperiment: Sendable, Codable, Equatable {
    public var real = GaussianMixture(weights: [0.5, 0.5], means: [-2, 2], deviations: [1, 1])
    /// The values of M to compare (each a separate set of runs).
    public var sampleSizes = [100, 500, 2_000]
    public var generations = 50
    public var runs = 20
    public var seed: UInt64 = 1
    /// Generations whose fitted density (of run 0, smallest M) the report draws.
    public var snapshots = [0, 10, 25, 49]

    public init() {}

    /// Where densities are compared and drawn: the real mixture's means ± 6 of its widest deviation.
    var range: ClosedRange<Double> {
        let spread = 6 * (real.deviations.max() ?? 1)
        return ((real.means.min() ?? 0) - spread)...((real.means.max() ?? 0) + spread)
    }

    /// - Throws: naming the first option out of its range.
    public func validate() throws {
        guard !sampleSizes.isEmpty, sampleSizes.allSatisfy({ $0 >= 2 }) else { throw CollapseError("--samples must all be at least 2") }
        guard real.deviations.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw CollapseError("--deviations must be positive") }
        guard abs(real.weights.reduce(0, +) - 1) <= 1e-9, real.weights.allSatisfy({ $0 >= 0 }) else {
            throw CollapseError("--weights must be non-negative and sum to 1")
        }
        guard real.weights.count == real.means.count, real.means.count == real.deviations.count else {
            throw CollapseError("--weights, --means and --deviations must have one value per component")
        }
        guard generations >= 1 else { throw CollapseError("--generations must be at least 1, not \(generations)") }
        guard runs >= 2 else { throw CollapseError("--runs must be at least 2 (a standard error needs two), not \(runs)") }
    }

    /// One run at one M: the fit of every generation.
    /// - Complexity: O(generations × EM iterations × M).
    func run(_ index: Int, samples: Int) -> [GaussianMixture] {
        var normal = NormalSampler(seed: RunSeeds.seed(seed ^ UInt64(samples), run: index))
        var current = real
        var fits: [GaussianMixture] = []
        for generation in 0..<generations {
            let data = current.sample(samples, normal: &normal)
            let start = generation == 0 ? GaussianMixture.initialGuess(for: data, components: real.weights.count) : current
            current = GaussianMixture.fit(data, start: start)
            fits.append(current)
        }
        return fits
    }

    public func simulate(threads: Int) -> MixtureResult {
        let progress = ProgressReporter(stage: "theory gmm (M \(sampleSizes.map(String.init).joined(separator: ", ")))",
                                        total: runs * sampleSizes.count, unit: "runs")
        var curves: [MixtureResult.Curve] = []
        var snapshotFits: [GaussianMixture] = []
        for samples in sampleSizes {
            let all = RunSeeds.map(runs: runs, threads: threads, progress: progress) { run($0, samples: samples) }
            var distances = [MonteCarloMean](repeating: MonteCarloMean(), count: generations)
            for fits in all {
                for (k, fit) in fits.enumerated() { distances[k].add(fit.squaredL2Distance(to: real, over: range).squareRoot()) }
            }
            curves.append(MixtureResult.Curve(samples: samples, distance: distances))
            if samples == sampleSizes.min(), let first = all.first {
                snapshotFits = snapshots.filter { $0 < generations }.map { first[$0] }
            }
        }
        progress.finish()
        return MixtureResult(experiment: self, curves: curves, snapshots: Array(zip(snapshots.filter { $0 < generations }, snapshotFits))
            .map { MixtureResult.Snapshot(generation: $0.0, fit: $0.1) })
    }
}
