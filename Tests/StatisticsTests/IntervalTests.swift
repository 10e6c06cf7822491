import Foundation
import Storage
import Testing
@testable import Statistics

/// Normal draws from a seeded generator (Box–Muller).
struct NormalDraws {
    var random: SplitMix64
    init(seed: UInt64) { random = SplitMix64(seed: seed) }
    mutating func next(mean: Double = 0, deviation: Double = 1) -> Double {
        let u1 = (Double(random.next() >> 11) + 1) / 9007199254740993, u2 = Double(random.next() >> 11) / 9007199254740992
        return mean + deviation * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
    mutating func sample(_ count: Int, mean: Double = 0, deviation: Double = 1) -> [Double] {
        (0..<count).map { _ in next(mean: mean, deviation: deviation) }
    }
}

@Suite struct StudentTTests {
    /// Quantiles from the standard tables.
    @Test func quantilesMatchTheTables() {
        for (freedom, expected) in [(1.0, 12.7062), (2, 4.3027), (3, 3.1824), (10, 2.2281), (30, 2.0423), (1e6, 1.95996)] {
            #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: freedom) - expected) < 1e-4, "ν = \(freedom)")
        }
        #expect(abs(StudentT.quantile(0.95, degreesOfFreedom: 5) - 2.0150) < 1e-4)
        #expect(abs(StudentT.cumulativeProbability(0, degreesOfFreedom: 4) - 0.5) < 1e-12)
        #expect(abs(StudentT.quantile(0.025, degreesOfFreedom: 7) + StudentT.quantile(0.975, degreesOfFreedom: 7)) < 1e-9)
    }

    /// ν = 1 is the Cauchy distribution: P(T ≤ t) = ½ + atan(t)/π.
    @Test func theDistributionFunctionIsCauchysAtOneDegreeOfFreedom() {
        for t in [-30.0, -2, -0.5, 0.3, 1, 4, 100] {
            #expect(abs(StudentT.cumulativeProbability(t, degreesOfFreedom: 1) - (0.5 + atan(t) / .pi)) < 1e-10, "t = \(t)")
        }
    }
}

@Suite struct SeedIntervalTests {
    @Test func theIntervalOfAMeanIsTheTIntervalOnTheMetricsScale() {
        let values = [2.0, 4, 9]
        let interval = SeedInterval.mean(values, scale: .linear)
        let half = 4.3027 * Descriptive.standardDeviation(values) / 3.0.squareRoot()
        #expect(abs(interval.estimate - 5) < 1e-12)
        #expect(abs(interval.low - (5 - half)) < 1e-3 && abs(interval.high - (5 + half)) < 1e-3)
        #expect(interval.method == "t over 3 seeds")
        // Perplexities: a geometric mean, and an interval that stays positive however wide.
        let perplexities = SeedInterval.mean([2_865, 339_683, 77_601], scale: .logarithmic)
        #expect(abs(perplexities.estimate - pow(2_865 * 339_683 * 77_601, 1.0 / 3)) < 1e-6 * perplexities.estimate)
        #expect(perplexities.low > 0 && perplexities.low <= perplexities.estimate && perplexities.estimate <= perplexities.high)
        // Shares stay within [0, 1].
        let shares = SeedInterval.mean([0.81, 0, 0.43], scale: .unit)
        #expect(shares.low == 0 && shares.high == 1)
        #expect(!SeedInterval.mean([3], scale: .linear).isAvailable)
    }

    /// Under normality the t-interval over three seeds covers the mean 95 % of the time.
    @Test func theTIntervalOverThreeSeedsCoversNinetyFivePercent() {
        var normal = NormalDraws(seed: 11)
        let trials = 4000
        let covered = (0..<trials).count { _ in
            let interval = SeedInterval.mean(normal.sample(3, mean: 10, deviation: 2), scale: .linear)
            return interval.low <= 10 && 10 <= interval.high
        }
        let share = Double(covered) / Double(trials), error = (0.95 * 0.05 / Double(trials)).squareRoot()
        #expect(abs(share - 0.95) < 3 * error, "coverage \(share)")
    }

    /// Test perplexity's two parts: three seeds that differ, scored on the same 200 test blocks
    /// that differ too (value = μ + seed + block + noise). The interval from the seeds' spread and
    /// the blocks' covers μ about 95 % of the time.
    @Test func seedAndSharedBlockPartsTogetherCoverNinetyFivePercent() {
        var normal = NormalDraws(seed: 31)
        let trials = 1500, blocks = 200
        let covered = (0..<trials).count { _ in
            let seedEffects = normal.sample(3, deviation: 0.3), blockEffects = normal.sample(blocks, deviation: 1)
            let values = seedEffects.map { seed in blockEffects.map { 4 + seed + $0 + normal.next(deviation: 0.5) } }
            let seedMeans = values.map(Descriptive.mean)
            let blockMeans = (0..<blocks).map { block in values.reduce(0) { $0 + $1[block] } / 3 }
            guard var estimate = SeedInterval.MeanEstimate(seeds: seedMeans, scale: .linear) else { return false }
            estimate.parts.append((pow(Descriptive.standardDeviation(blockMeans), 2) / Double(blocks), Double(blocks - 1)))
            let interval = estimate.interval(scale: .linear, method: "")
            return interval.low <= 4 && 4 <= interval.high
        }
        let share = Double(covered) / Double(trials), error = (0.95 * 0.05 / Double(trials)).squareRoot()
        #expect(share > 0.95 - 3 * error && share < 0.95 + 4 * error, "coverage \(share)")
    }

    @Test func theWelchDifferenceOfTwoRunsIsARatioForPerplexities() {
        let a = [100.0, 110, 105], b = [200.0, 230, 210]
        let difference = SeedInterval.difference(a, b, scale: .logarithmic)
        #expect(abs(difference.estimate - Descriptive.geometricMean(b) / Descriptive.geometricMean(a)) < 1e-9)
        #expect(difference.excludes(1))
        let same = SeedInterval.difference([1.0, 2, 3], [1.5, 2.5, 2], scale: .linear)
        #expect(!same.excludes(0))
    }
}

@Suite struct BootstrapTests {
    /// For normal data the percentile bootstrap of the mean is close to the t-interval.
    @Test func theBootstrapOfANormalMeanIsCloseToTheTInterval() {
        var normal = NormalDraws(seed: 3)
        let values = normal.sample(400, mean: 5, deviation: 2)
        let bootstrap = Bootstrap.interval(of: values, replicates: 4000, seed: 9, statistic: Descriptive.mean)
        let t = SeedInterval.mean(values, scale: .linear)
        let width = t.high - t.low
        #expect(abs(bootstrap.low - t.low) < 0.05 * width && abs(bootstrap.high - t.high) < 0.05 * width, "\(bootstrap) vs \(t)")
        #expect(bootstrap == Bootstrap.interval(of: values, replicates: 4000, seed: 9, statistic: Descriptive.mean), "seeded")
    }

    /// Coverage of the true mean over many simulated samples: about 95 %.
    @Test func thePercentileBootstrapCoversNinetyFivePercent() {
        var normal = NormalDraws(seed: 5)
        let trials = 600
        let covered = (0..<trials).count { trial in
            let interval = Bootstrap.interval(of: normal.sample(60, mean: 1, deviation: 3), replicates: 400, seed: UInt64(trial),
                                              statistic: Descriptive.mean)
            return interval.low <= 1 && 1 <= interval.high
        }
        let share = Double(covered) / Double(trials), error = (0.95 * 0.05 / Double(trials)).squareRoot()
        // The percentile bootstrap runs slightly narrow at n = 60 (about 94 %).
        #expect(share > 0.95 - 4 * error && share < 0.95 + 3 * error, "coverage \(share)")
    }
}

@Suite struct HierarchicalBootstrapTests {
    /// The counting path gives exactly the statistics of the resample written out and sorted.
    @Test func countsGiveTheStatisticsOfTheExpandedResample() {
        var normal = NormalDraws(seed: 21)
        let values = normal.sample(257).map { exp($0) }
        let bootstrap = HierarchicalBootstrap(groups: [values])
        var random = SplitMix64(seed: 4)
        var counts = [UInt32](repeating: 0, count: values.count)
        for _ in 0..<20 {
            HierarchicalBootstrap.resample(values.count, into: &counts, using: &random)
            let expanded = zip(bootstrap.groups[0].sorted, counts).flatMap { Array(repeating: $0, count: Int($1)) }
            for p in [0.0, 1, 5, 50, 95, 99, 100] {
                #expect(bootstrap.value(.percentile(p), of: 0, counts: counts) == PercentileSummary.percentile(p, ofSorted: expanded))
            }
            let threshold = bootstrap.groups[0].sorted[200]
            #expect(bootstrap.value(.shareAbove([threshold]), of: 0, counts: counts) == Double(expanded.count { $0 > threshold }) / 257)
            #expect(bootstrap.value(.shareBelow([threshold]), of: 0, counts: counts) == Double(expanded.count { $0 < threshold }) / 257)
            let geometric = bootstrap.value(.geometricMean, of: 0, counts: counts)
            #expect(abs(geometric - Descriptive.geometricMean(expanded)) < 1e-9 * geometric)
        }
    }

    /// Seeds with an effect of their own (log-normal sequences around a seed mean): the interval
    /// of the geometric mean covers the true one about 95 % of the time with 20 seeds.
    @Test func theHierarchicalBootstrapCoversTheGeometricMeanAcrossSeeds() {
        var normal = NormalDraws(seed: 8)
        let trials = 200
        let covered = (0..<trials).count { trial in
            let groups = (0..<20).map { _ in
                let seedEffect = normal.next(deviation: 0.3)
                return normal.sample(100, mean: seedEffect, deviation: 1).map { exp(5 + $0) }
            }
            let interval = HierarchicalBootstrap(groups: groups, replicates: 400, seed: UInt64(trial)).intervals([.geometricMean])[0]
            return interval.low <= exp(5) && exp(5) <= interval.high
        }
        let share = Double(covered) / Double(trials), error = (0.95 * 0.05 / Double(trials)).squareRoot()
        #expect(share > 0.95 - 4 * error && share < 0.95 + 3 * error, "coverage \(share)")
    }

    @Test func intervalsAreSeededThreadIndependentAndContainTheEstimate() {
        var normal = NormalDraws(seed: 2)
        let groups = (0..<3).map { _ in normal.sample(500).map { exp(3 + $0) } }
        let statistics: [HierarchicalBootstrap.Statistic] = [.percentile(1), .percentile(99), .geometricMean,
                                                             .shareAbove([60, 60, 60]), .shareBelow([2, 2, 2])]
        let intervals = HierarchicalBootstrap(groups: groups, seed: 7).intervals(statistics)
        #expect(intervals == HierarchicalBootstrap(groups: groups, seed: 7).intervals(statistics))
        for (statistic, interval) in zip(statistics, intervals) {
            #expect(interval.low <= interval.estimate && interval.estimate <= interval.high, "\(statistic): \(interval)")
            #expect(interval.low < interval.high)
            #expect(interval.method == "hierarchical bootstrap over 3 seeds and their sequences")
        }
        let one = HierarchicalBootstrap(groups: [groups[0]]).intervals([.percentile(50)])[0]
        #expect(one.method == "bootstrap over sequences only (one seed)" && one.std == nil)
        let shifted = groups.map { $0.map { $0 * 2 } }
        let ratio = HierarchicalBootstrap(groups: shifted).replicates([.geometricMean])
            .differences(from: HierarchicalBootstrap(groups: groups).replicates([.geometricMean]))[0]
        #expect(abs(ratio.estimate - 2) < 1e-9 && ratio.low < 2 && 2 < ratio.high && ratio.excludes(1))
    }
}
