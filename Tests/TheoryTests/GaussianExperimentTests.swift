import Foundation
import Testing
import Storage
@testable import Theory

@Suite struct GaussianExperimentTests {
    func experiment(samples: Int = 20, generations: Int = 15, runs: Int = 2_000, seed: UInt64 = 1) -> GaussianExperiment {
        var experiment = GaussianExperiment()
        (experiment.samples, experiment.generations, experiment.runs, experiment.seed) = (samples, generations, runs, seed)
        return experiment
    }

    @Test func theChiMeanFactorIsTheMeanAbsoluteNormalForTwoSamplesAndOneMinusAQuarterMAsymptotically() {
        #expect(abs(GaussianTheory.chiMeanFactor(samples: 2) - (2 / Double.pi).squareRoot()) < 1e-12)
        let k = 999.0
        #expect(abs(GaussianTheory.chiMeanFactor(samples: 1_000) - (1 - 1 / (4 * k) + 1 / (32 * k * k))) < 1e-8)
    }

    @Test func simulationMatchesTheExactTheoryWithinThreeStandardErrorsAtEveryGeneration() throws {
        let result = experiment().simulate(threads: 2)
        let worst = try #require(result.largestZScores)
        #expect(worst.sampleVariance < 3, "Var(Xⁿ) = σ²(1 + n/M)")
        #expect(worst.w2Squared < 3, "exact E[W₂²]")
    }

    @Test func thePapersPrintedFormulaIsFarOutsideTheMonteCarloError() throws {
        let result = experiment().simulate(threads: 2)
        let last = try #require(result.generations.last)
        let theory = try #require(result.theory(last.generation))
        #expect(last.w2Squared.zScore(against: theory.paper) > 5)
        #expect(abs(last.w2Squared.zScore(against: theory.w2Squared)) < 3)
    }

    @Test func theMeanOfSigmaDriftsDownWhileTheMeanOfSigmaSquaredStays() throws {
        let result = experiment(runs: 4_000).simulate(threads: 2)
        let last = try #require(result.generations.last)
        let c = GaussianTheory.chiMeanFactor(samples: 20)
        #expect(abs(last.fittedDeviation.zScore(against: pow(c, Double(last.generation + 1)))) < 3)
        #expect(abs(last.fittedVariance.zScore(against: 1)) < 3)
        #expect(last.fittedDeviation.mean < 0.9)
    }

    @Test func theSameSeedGivesTheSameResultAtEveryThreadCount() {
        let one = experiment(runs: 50).simulate(threads: 1).table()
        #expect(one == experiment(runs: 50).simulate(threads: 3).table())
        #expect(one != experiment(runs: 50, seed: 2).simulate(threads: 1).table())
    }

    @Test func pooledRegimesCollapseMoreSlowlyThanReplace() throws {
        let replace = experiment(runs: 400)
        var accumulate = experiment(runs: 400), pool = experiment(runs: 400)
        accumulate.regime = .accumulate
        pool.regime = .pool
        let w2 = { (e: GaussianExperiment) in e.simulate(threads: 2).generations.last?.w2Squared.mean ?? .nan }
        let (r, a, p) = (w2(replace), w2(accumulate), w2(pool))
        #expect(a < p && p < r, "accumulate \(a), pool \(p), replace \(r)")
    }

    @Test func badParametersAreRefusedNamingTheOption() {
        var small = experiment()
        small.samples = 1
        #expect(throws: CollapseError.self) { try small.validate() }
        do { try small.validate() } catch { #expect("\(error)".contains("--samples")) }
        var negative = experiment()
        negative.variance = -1
        do { try negative.validate(); Issue.record("accepted a negative variance") } catch { #expect("\(error)".contains("--variance")) }
    }
}
