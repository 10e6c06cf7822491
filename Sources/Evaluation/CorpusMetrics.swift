import Foundation
import LanguageModeling

/// What the metrics compare a generation's corpus against: the real training data's token
/// counts.
public struct RealProfile: Sendable {
    /// Occurrences of every vocabulary id in the real training blocks.
    public let counts: [Int]

    public init(counts: [Int]) {
        self.counts = counts
    }

    public init(blocks: TrainingSequences, vocabularySize: Int) {
        counts = tokenCounts(blocks, vocabularySize: vocabularySize)
    }
}

/// Diversity and tail measures of one corpus. Every value is defined so
/// that it can be recomputed exactly from a stored corpus:
///
/// - `tailSurvival`: of the real training data's types seen 1, 2–10 and 11–100 times, the share
///   that occurs at least once in this corpus (nil when the real data has no such type — e.g.
///   WikiText, whose words seen fewer than 3 times are already `<unk>`).
/// - `distinctTypes`: ids occurring at least once.
/// - `unigramKL`: KL(real ‖ corpus) in nats between add-½ smoothed unigram distributions over
///   the same support: every vocabulary id except `<s>` and `</s>`.
/// - `distinct1/2/3`: distinct n-grams ÷ all n-grams, counting n-grams within sequences only
///   (0 for a corpus without n-grams of that length; likewise the two rates below).
/// - `repeatedFourGramRate`: of all 4-grams, the share that already occurred earlier in the same
///   sequence.
/// - `compressionRatio`: bytes of the corpus text ÷ bytes of its zstd (level 3) compression.
public struct CorpusMetrics: Codable, Sendable, Equatable {
    public struct TailSurvival: Codable, Sendable, Equatable {
        public var seenOnce: Double?
        public var seenTwoToTen: Double?
        public var seenElevenToHundred: Double?
    }

    public var tailSurvival: TailSurvival
    public var distinctTypes: Int
    public var unigramKL: Double
    public var distinct1: Double
    public var distinct2: Double
    public var distinct3: Double
    public var repeatedFourGramRate: Double
    public var compressionRatio: Double

    /// Smoothing added to every count of both distributions in `unigramKL`.
    public static let klSmoothing = 0.5

    /// - Parameters:
    ///   - excluded: ids outside the KL support (`<s>`, `</s>`).
    ///   - textBytes, compressedBytes: the sizes of the corpus text before and after zstd.
    public init(corpus: TrainingSequences, real: RealProfile, excluded: Set<Int32>, textBytes: Int, compressedBytes: Int) {
        let vocabularySize = real.counts.count
        let counts = tokenCounts(corpus, vocabularySize: vocabularySize)

        func survival(_ range: ClosedRange<Int>) -> Double? {
            var total = 0, surviving = 0
            for (id, count) in real.counts.enumerated() where range.contains(count) {
                total += 1
                if counts[id] > 0 { surviving += 1 }
            }
            return total == 0 ? nil : Double(surviving) / Double(total)
        }
        tailSurvival = TailSurvival(seenOnce: survival(1...1), seenTwoToTen: survival(2...10), seenElevenToHundred: survival(11...100))
        distinctTypes = counts.count { $0 > 0 }

        let support = (0..<vocabularySize).filter { !excluded.contains(Int32($0)) }
        let alpha = Self.klSmoothing
        let realTotal = Double(support.reduce(0) { $0 + real.counts[$1] }) + alpha * Double(support.count)
        let corpusTotal = Double(support.reduce(0) { $0 + counts[$1] }) + alpha * Double(support.count)
        var kl = 0.0
        for id in support {
            let p = (Double(real.counts[id]) + alpha) / realTotal
            let q = (Double(counts[id]) + alpha) / corpusTotal
            kl += p * log(p / q)
        }
        unigramKL = kl

        distinct1 = distinctRatio(corpus, n: 1)
        distinct2 = distinctRatio(corpus, n: 2)
        distinct3 = distinctRatio(corpus, n: 3)
        repeatedFourGramRate = repeatedRate(corpus, n: 4)
        compressionRatio = compressedBytes == 0 ? 0 : Double(textBytes) / Double(compressedBytes)
    }
}

/// Occurrences of every id. O(tokens).
func tokenCounts(_ sequences: TrainingSequences, vocabularySize: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: vocabularySize)
    for id in sequences.tokens where id >= 0 && Int(id) < vocabularySize { counts[Int(id)] += 1 }
    return counts
}

/// Distinct n-grams ÷ n-grams, n-grams taken within sequences. O(tokens) expected.
func distinctRatio(_ sequences: TrainingSequences, n: Int) -> Double {
    var seen = Set<[Int32]>()
    var total = 0
    sequences.forEach { sequence in
        guard sequence.count >= n else { return }
        var start = sequence.startIndex
        while start + n <= sequence.endIndex {
            seen.insert(Array(sequence[start..<(start + n)]))
            total += 1
            start += 1
        }
    }
    return total == 0 ? 0 : Double(seen.count) / Double(total)
}

/// Of all n-grams, the share that already occurred earlier in the same sequence. O(Σ length²)
/// comparisons, which for 64-token blocks is cheaper than hashing.
func repeatedRate(_ sequences: TrainingSequences, n: Int) -> Double {
    var repeated = 0, total = 0
    sequences.forEach { sequence in
        let tokens = Array(sequence)
        guard tokens.count >= n else { return }
        for i in 0...(tokens.count - n) {
            total += 1
            var j = 0
            while j < i {
                if tokens[j..<(j + n)].elementsEqual(tokens[i..<(i + n)]) { repeated += 1; break }
                j += 1
            }
        }
    }
    return total == 0 ? 0 : Double(repeated) / Double(total)
}

/// The share of `values` above `upper` and below `lower` (the reference's p99 and p1).
public func tailShares(_ values: [Double], lower: Double, upper: Double) -> (below: Double, above: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let n = Double(values.count)
    return (Double(values.count { $0 < lower }) / n, Double(values.count { $0 > upper }) / n)
}
