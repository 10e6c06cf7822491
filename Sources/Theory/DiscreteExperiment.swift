import Foundation
import Reporting
import Storage

/// Recursive re-estimation of a categorical distribution (the paper's §4.1): each generation
/// draws M samples from the previous estimate and takes their frequencies as the next. No
/// function approximation, only sampling: a Markov chain whose absorbing states are the
/// deltas, reached at state i with probability pᵢ (the estimate is a martingale).
public struct DiscreteExperiment: Sendable, Codable, Equatable {
    /// The starting distribution.
    public var probabilities: [Double] = [0.4, 0.25, 0.15, 0.12, 0.08]
    /// M: samples per generation.
    public var samples = 100
    /// A run that has not ended in a delta by then stops (and counts as not absorbed).
    public var maximumGenerations = 100_000
    /// Generations reported one by one (the curves); absorption is followed to the end.
    public var reportedGenerations = 200
    public var runs = 10_000
    public var seed: UInt64 = 1

    public init() {}

    /// p_i ∝ 1/iˢ for i = 1…states.
    public static func zipf(states: Int, exponent: Double) -> [Double] {
        let weights = (1...max(states, 1)).map { 1 / pow(Double($0), exponent) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// - Throws: naming the first option out of its range.
    public func validate() throws {
        guard probabilities.count >= 2 else { throw CollapseError("--probabilities needs at least 2 states, not \(probabilities.count)") }
        guard probabilities.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw CollapseError("--probabilities must all be non-negative") }
        let total = probabilities.reduce(0, +)
        guard abs(total - 1) <= 1e-9 else { throw CollapseError("--probabilities must sum to 1, not \(total)") }
        guard samples >= 1 else { throw CollapseError("--samples must be at least 1, not \(samples)") }
        guard runs >= 2 else { throw CollapseError("--runs must be at least 2 (a standard error needs two), not \(runs)") }
        guard maximumGenerations >= 1 else { throw CollapseError("--max-generations must be at least 1") }
        guard reportedGenerations >= 1 else { throw CollapseError("--generations must be at least 1") }
    }

    /// One run: surviving states and lost mass per reported generation, and where and when it
    /// was absorbed (nil when it was not within `maximumGenerations`).
    /// - Complexity: O(generations × (M log states + states)).
    func run(_ index: Int) -> DiscreteRun {
        var random = SplitMix64(seed: RunSeeds.seed(seed, run: index))
        var counts = [Int](repeating: 0, count: probabilities.count)
        var current = probabilities
        var result = DiscreteRun()
        for generation in 0..<maximumGenerations {
            let surviving = current.indices.filter { current[$0] > 0 }
            if generation < reportedGenerations {
                result.surviving.append(surviving.count)
                result.lostMass.append(current.indices.reduce(0) { current[$1] == 0 ? $0 + probabilities[$1] : $0 })
            }
            if surviving.count == 1 {
                if result.absorption == nil { result.absorption = (surviving[0], generation) }
                if generation + 1 >= reportedGenerations { break }
                continue
            }
            Self.sample(current, count: samples, into: &counts, random: &random)
            current = counts.map { Double($0) / Double(samples) }
        }
        return result
    }

    /// `count` draws from a categorical distribution, counted per state (inverse CDF, binary
    /// search: the first cumulative sum above u, never a state of probability 0).
    static func sample(_ probabilities: [Double], count: Int, into counts: inout [Int], random: inout SplitMix64) {
        var cumulative = [Double](repeating: 0, count: probabilities.count)
        var total = 0.0
        for (i, p) in probabilities.enumerated() {
            total += p
            cumulative[i] = total
        }
        for i in counts.indices { counts[i] = 0 }
        for _ in 0..<count {
            let u = random.unitInterval() * total
            var (low, high) = (0, cumulative.count - 1)
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > u { high = middle } else { low = middle + 1 }
            }
            counts[low] += 1
        }
    }

    public func simulate(threads: Int) -> DiscreteResult {
        let all = RunSeeds.simulate("theory discrete (\(probabilities.count) states, M \(samples))", runs: runs, threads: threads) { run($0) }
        return DiscreteResult(experiment: self, runs: all)
    }
}

/// What one run of the discrete experiment did.
struct DiscreteRun: Sendable {
    var surviving: [Int] = []
    var lostMass: [Double] = []
    var absorption: (state: Int, generation: Int)?
}
