import Foundation
import Testing
@testable import NeuralNetworks

/// The 16-lane exponentials against the plain loop of `expf`, over lengths that end inside and
/// outside a vector.
@Suite struct VectorMathTests {
    func row(_ count: Int) -> [Float] { (0..<count).map { Float(($0 * 7919) % 211) * 0.37 - 40 } }

    func plain(_ values: [Float], shift: Float) -> (terms: [Float], sum: Double) {
        let terms = values.map { exp($0 - shift) }
        return (terms, terms.reduce(0.0) { $0 + Double($1) })
    }

    @Test(arguments: [1, 15, 16, 17, 1024, 1031])
    func keptExponentialsAndTheirSumEqualThePlainLoop(count: Int) {
        let values = row(count), shift = values.max() ?? 0
        let (terms, sum) = plain(values, shift: shift)
        var kept = [Float](repeating: .nan, count: count)
        let folded = values.withUnsafeBufferPointer { x in
            kept.withUnsafeMutableBufferPointer { Float.sumOfExponentialsAndMaximum(x.baseAddress!, count: count, shift: shift, keepingIn: $0.baseAddress) }
        }
        #expect(folded.maximum == shift)
        #expect(abs(Double(folded.sum) - sum) <= 1e-5 * sum)
        for i in 0..<count { #expect(abs(kept[i] - terms[i]) <= 3 * terms[i].ulp, "term \(i): \(kept[i]) vs \(terms[i])") }
    }

    @Test(arguments: [1, 17, 1031])
    func exponentiatingInPlaceEqualsKeepingElsewhere(count: Int) {
        let values = row(count), shift: Float = -3
        var inPlace = values, kept = [Float](repeating: 0, count: count)
        let sumInPlace = inPlace.withUnsafeMutableBufferPointer { Float.exponentiate($0.baseAddress!, count: count, shift: shift) }
        let sumKept = values.withUnsafeBufferPointer { x in
            kept.withUnsafeMutableBufferPointer { Float.sumOfExponentials(x.baseAddress!, count: count, shift: shift, keepingIn: $0.baseAddress) }
        }
        let sumAlone = values.withUnsafeBufferPointer { Float.sumOfExponentials($0.baseAddress!, count: count, shift: shift) }
        #expect(inPlace == kept)
        #expect(sumInPlace == sumKept && sumKept == sumAlone)
    }
}
