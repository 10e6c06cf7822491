import Foundation
import Testing
@testable import NeuralNetworks

/// Parts of a row joined by `LogSumExp` give the row's log Σ exp, however the row is cut.
@Suite struct LogSumExpTests {
    /// One part's largest value and Σ exp(value − largest).
    func part(_ values: ArraySlice<Double>) -> (maximum: Double, sum: Double) {
        guard let largest = values.max() else { return (-.infinity, 0) }
        return (largest, values.reduce(0) { $0 + exp($1 - largest) })
    }

    @Test(arguments: [1, 3, 7, 40])
    func partsJoinToTheWholeRowsLogSumExp(cut: Int) {
        var random = SystemRandomNumberGenerator()
        let row = (0..<40).map { _ in Double.random(in: -30...80, using: &random) }
        let largest = row.max() ?? 0
        let expected = log(row.reduce(0) { $0 + exp($1 - largest) }) + largest
        var total = LogSumExp<Double>()
        for start in stride(from: 0, to: row.count, by: cut) {
            let (maximum, sum) = part(row[start..<min(row.count, start + cut)])
            total.add(maximum: maximum, sum: sum)
        }
        #expect(abs(total.value - expected) < 1e-12 * abs(expected))
        #expect(total.maximum == largest)
    }

    @Test func emptyPartsChangeNothing() {
        var total = LogSumExp<Float>()
        #expect(total.value == -.infinity)
        total.add(maximum: -.infinity, sum: 0)
        total.add(maximum: 2, sum: 1)
        total.add(maximum: -.infinity, sum: 0)
        #expect(total.value == 2 && total.maximum == 2 && total.sum == 1)
    }
}
