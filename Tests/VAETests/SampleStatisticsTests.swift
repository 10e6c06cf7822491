import Foundation
import Testing
@testable import VAE

@Suite struct SampleStatisticsTests {
    /// Images that are all 0 but for one pixel set to `value`.
    func images(_ settings: [(pixel: Int, value: Float)]) -> DigitSet {
        var values = [Float](repeating: 0, count: settings.count * 64)
        for (index, setting) in settings.enumerated() { values[index * 64 + setting.pixel] = setting.value }
        return DigitSet(values: values)
    }

    @Test func pairwiseDistanceAveragesEveryPair() {
        // A = pixel 0 at 1, B = pixel 1 at 0.5, C = blank: AB √1.25, AC 1, BC 0.5.
        let set = images([(0, 1), (1, 0.5), (0, 0)])
        #expect(abs(SampleStatistics.meanPairwiseDistance(set) - ((1.25 as Double).squareRoot() + 1 + 0.5) / 3) < 1e-6)
        #expect(SampleStatistics.meanPairwiseDistance(images([(3, 1)])) == 0)
    }

    @Test func nearestRealLabelsGiveClassCoverage() {
        // Real digits: class k has pixel k set. Samples: near class 0 (×6), class 1 (×3), class 2 (×1).
        var real = images((0..<10).map { ($0, 1) })
        real.labels = Array(0..<10)
        let samples = images(Array(repeating: (0, Float(0.9)), count: 6) + Array(repeating: (1, Float(0.8)), count: 3) + [(2, 0.7)])
        let statistics = SampleStatistics.measure(samples, against: real)
        #expect(statistics.classShares == [0.6, 0.3, 0.1] + Array(repeating: 0, count: 7))
        #expect(statistics.classesCovered == 3)
        let entropy = -(0.6 * log(0.6) + 0.3 * log(0.3) + 0.1 * log(0.1))
        #expect(abs(statistics.effectiveClasses - exp(entropy)) < 1e-12)
        #expect(abs(statistics.nearestRealDistance.p50 - 0.1) < 1e-6)
        // The real set against itself skips each digit's own copy: every other digit is √2 away, and
        // the first of equals wins (digit 1 for digit 0, digit 0 for the rest).
        let own = SampleStatistics.measure(real, against: real, isReal: true)
        #expect(abs(own.meanNearestRealDistance - 2.0.squareRoot()) < 1e-6)
        #expect(own.classShares[0] == 0.9 && own.classShares[1] == 0.1 && own.classesCovered == 2)
    }
}
