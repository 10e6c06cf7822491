import Testing
import Storage
@testable import Theory

@Suite struct MixtureExperimentTests {
    let real = GaussianMixture(weights: [0.3, 0.7], means: [-2, 1.5], deviations: [0.8, 1.2])

    @Test func theDensityIntegratesToOne() {
        let range = -12.0...12.0, points = 4_001
        let step = (range.upperBound - range.lowerBound) / Double(points - 1)
        let total = (0..<points).reduce(0.0) { $0 + real.density(range.lowerBound + Double($1) * step) } * step
        #expect(abs(total - 1) < 1e-6)
        #expect(real.squaredL2Distance(to: real, over: range) == 0)
    }

    @Test func expectationMaximizationRecoversTheComponentsFromManySamples() throws {
        var normal = NormalSampler(seed: 5)
        let data = real.sample(20_000, normal: &normal)
        let fit = GaussianMixture.fit(data, start: GaussianMixture.initialGuess(for: data, components: 2))
        let order = fit.means[0] < fit.means[1] ? [0, 1] : [1, 0]
        for (c, f) in zip([0, 1], order) {
            #expect(abs(fit.means[f] - real.means[c]) < 0.1 && abs(fit.deviations[f] - real.deviations[c]) < 0.1 && abs(fit.weights[f] - real.weights[c]) < 0.03)
        }
    }

    @Test func theDistanceGrowsWithGenerationsAndFasterForSmallerSamples() throws {
        var experiment = MixtureExperiment()
        (experiment.sampleSizes, experiment.generations, experiment.runs) = ([50, 1_000], 30, 8)
        let result = experiment.simulate(threads: 2)
        let small = result.curves[0].distance.map(\.mean), large = result.curves[1].distance.map(\.mean)
        #expect(small[29] > small[0] && large[29] > large[0])
        #expect(small[29] > large[29] && small[0] > large[0])
    }

    @Test func mismatchedComponentListsAreRefused() {
        var experiment = MixtureExperiment()
        experiment.real.means = [0]
        do { try experiment.validate(); Issue.record("accepted") } catch { #expect("\(error)".contains("--means")) }
    }
}
