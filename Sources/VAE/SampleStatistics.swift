import Foundation
import NeuralNetworks
import Statistics

/// How varied a set of images is and how close it stays to the real digits: the measures of
/// collapse for the VAE runs (distances are Euclidean, pixels in [0, 1]).
public struct SampleStatistics: Codable, Sendable, Equatable {
    /// The mean distance between two different images of the set.
    public var meanPairwiseDistance: Double
    /// Each image's distance to its nearest real digit (another one, for the real set itself).
    public var nearestRealDistance: PercentileSummary
    public var meanNearestRealDistance: Double
    /// The share of images whose nearest real digit is of class 0, 1, …, 9.
    public var classShares: [Double]
    /// Classes that hold at least `coveredShare` of the images by their nearest real digit.
    public var classesCovered: Int
    /// exp(entropy of `classShares`): 10 when every class is equally represented, 1 for one class.
    public var effectiveClasses: Double

    public static let coveredShare = 0.01

    /// - Parameter isReal: `images` are `real` itself: each image's own copy is not its neighbour.
    /// - Complexity: O((n² + n·r) × pixels) for n images and r real ones.
    public static func measure(_ images: DigitSet, against real: DigitSet, isReal: Bool = false) -> SampleStatistics {
        let nearest = nearestNeighbours(of: images, in: real, skippingSelf: isReal)
        var counts = [Int](repeating: 0, count: 10)
        if let labels = real.labels {
            for (index, _) in nearest { counts[labels[index]] += 1 }
        }
        let total = Double(max(1, images.count))
        let shares = counts.map { Double($0) / total }
        let entropy = shares.filter { $0 > 0 }.reduce(0) { $0 - $1 * log($1) }
        let distances = nearest.map(\.distance)
        return SampleStatistics(meanPairwiseDistance: meanPairwiseDistance(images),
                                nearestRealDistance: PercentileSummary(distances),
                                meanNearestRealDistance: distances.reduce(0, +) / total,
                                classShares: shares, classesCovered: shares.filter { $0 >= coveredShare }.count,
                                effectiveClasses: exp(entropy))
    }

    /// Σ over pairs i < j of ‖xᵢ − xⱼ‖ ÷ the number of pairs, summed per row and then in row
    /// order, so the result does not depend on the thread count.
    static func meanPairwiseDistance(_ images: DigitSet) -> Double {
        let n = images.count
        guard n > 1 else { return 0 }
        var rowSums = [Double](repeating: 0, count: n)
        images.values.withUnsafeBufferPointer { values in
            rowSums.withUnsafeMutableBufferPointer { sums in
                Parallel.forEach(n, grain: 16) { rows in
                    for i in rows {
                        var sum = 0.0
                        for j in (i + 1)..<n { sum += Double(distance(values, i, values, j).squareRoot()) }
                        sums[i] = sum
                    }
                }
            }
        }
        return rowSums.reduce(0, +) / Double(n * (n - 1) / 2)
    }

    /// For each image, the index of the nearest real digit (the lowest index among equals) and
    /// its distance.
    static func nearestNeighbours(of images: DigitSet, in real: DigitSet, skippingSelf: Bool) -> [(index: Int, distance: Double)] {
        var result = [(index: Int, distance: Double)](repeating: (0, 0), count: images.count)
        images.values.withUnsafeBufferPointer { values in
            real.values.withUnsafeBufferPointer { references in
                result.withUnsafeMutableBufferPointer { result in
                    Parallel.forEach(images.count, grain: 16) { rows in
                        for i in rows {
                            var (best, bestSquare) = (0, Float.infinity)
                            for j in 0..<real.count where !(skippingSelf && i == j) {
                                let square = distance(values, i, references, j)
                                if square < bestSquare { (best, bestSquare) = (j, square) }
                            }
                            result[i] = (best, Double(bestSquare.squareRoot()))
                        }
                    }
                }
            }
        }
        return result
    }

    /// ‖a[i] − b[j]‖² over the 64 pixels, four 16-lane vectors.
    @inline(__always)
    static func distance(_ a: UnsafeBufferPointer<Float>, _ i: Int, _ b: UnsafeBufferPointer<Float>, _ j: Int) -> Float {
        let (x, y) = (UnsafeRawPointer(a.baseAddress.unsafelyUnwrapped + i * DigitSet.pixels),
                      UnsafeRawPointer(b.baseAddress.unsafelyUnwrapped + j * DigitSet.pixels))
        var sum = SIMD16<Float>(repeating: 0)
        for chunk in 0..<(DigitSet.pixels / 16) {
            let difference = x.loadUnaligned(fromByteOffset: chunk * 64, as: SIMD16<Float>.self)
                - y.loadUnaligned(fromByteOffset: chunk * 64, as: SIMD16<Float>.self)
            sum += difference * difference
        }
        return sum.sum()
    }
}
