import Testing
import Storage
@testable import Theory

@Suite struct DiscreteExperimentTests {
    @Test func absorptionFrequenciesMatchTheStartingProbabilitiesWithinThreeStandardErrors() {
        var experiment = DiscreteExperiment()
        experiment.samples = 20
        experiment.runs = 10_000
        let result = experiment.simulate(threads: 2)
        #expect(result.unabsorbedRuns == 0)
        #expect(result.largestZScore < 3, "\(result.states.map(\.frequency))")
        #expect(abs(result.states.map(\.frequency).reduce(0, +) - 1) < 1e-12)
    }

    @Test func theTailIsLostFirstAndNeverComesBack() throws {
        var experiment = DiscreteExperiment()
        experiment.probabilities = DiscreteExperiment.zipf(states: 50, exponent: 1.2)
        experiment.samples = 100
        experiment.runs = 200
        experiment.reportedGenerations = 30
        let result = experiment.simulate(threads: 2)
        #expect(result.generations[0].surviving.mean == 50 && result.generations[0].lostMass.mean == 0)
        for (before, after) in zip(result.generations, result.generations.dropFirst()) {
            #expect(after.surviving.mean <= before.surviving.mean && after.lostMass.mean >= before.lostMass.mean)
        }
        let last = try #require(result.generations.last)
        #expect(last.surviving.mean < 25 && last.lostMass.mean > 0.02)
    }

    @Test func samplingNeverPicksAStateOfProbabilityZero() {
        var random = SplitMix64(seed: 3)
        var counts = [0, 0, 0, 0]
        DiscreteExperiment.sample([0, 0.5, 0, 0.5], count: 10_000, into: &counts, random: &random)
        #expect(counts[0] == 0 && counts[2] == 0 && counts[1] + counts[3] == 10_000)
    }

    @Test func zipfProbabilitiesSumToOne() {
        let p = DiscreteExperiment.zipf(states: 1_000, exponent: 1.1)
        #expect(abs(p.reduce(0, +) - 1) < 1e-12 && p[0] > p[1])
    }

    @Test func aVectorThatDoesNotSumToOneIsRefusedNamingTheOption() {
        var experiment = DiscreteExperiment()
        experiment.probabilities = [0.5, 0.4]
        do { try experiment.validate(); Issue.record("accepted") } catch { #expect("\(error)".contains("--probabilities") && "\(error)".contains("sum to 1")) }
        experiment.probabilities = [1.5, -0.5]
        do { try experiment.validate(); Issue.record("accepted") } catch { #expect("\(error)".contains("non-negative")) }
    }
}
