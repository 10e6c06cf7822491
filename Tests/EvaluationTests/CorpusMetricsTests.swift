import Testing
@testable import Evaluation
@testable import LanguageModeling

/// A hand-made case whose every value is worked out below.
/// Vocabulary ids 0–9; 1 and 2 play `<s>` and `</s>` (outside the KL support).
/// Real counts: 3 and 4 seen once, 5 five times, 6 fifty times, 7 two hundred times.
/// Corpus: [3 5 5 7] and [7 7 7 7 7].
struct HandMadeCase {
    static let real = RealProfile(counts: [0, 0, 0, 1, 1, 5, 50, 200, 0, 0])
    static var corpus: TrainingSequences {
        var corpus = TrainingSequences()
        corpus.append([3, 5, 5, 7] as [Int32])
        corpus.append([7, 7, 7, 7, 7] as [Int32])
        return corpus
    }
    static let metrics = CorpusMetrics(corpus: corpus, real: real, excluded: [1, 2], textBytes: 1000, compressedBytes: 250)
}

@Suite struct CorpusMetricsTests {
    @Test func tailSurvivalCountsRealTypesThatStillOccur() {
        // Seen once: {3, 4}, only 3 survives; 2–10: {5} survives; 11–100: {6} is gone.
        #expect(HandMadeCase.metrics.tailSurvival == .init(seenOnce: 0.5, seenTwoToTen: 1, seenElevenToHundred: 0))
    }

    @Test func tailSurvivalIsUndefinedWithoutSuchRealTypes() {
        let none = CorpusMetrics(corpus: HandMadeCase.corpus, real: RealProfile(counts: [0, 0, 0, 0, 0, 5, 50, 200, 0, 0]),
                                 excluded: [1, 2], textBytes: 1, compressedBytes: 1)
        #expect(none.tailSurvival.seenOnce == nil && none.tailSurvival.seenTwoToTen == 1)
    }

    @Test func distinctTypes() {
        #expect(HandMadeCase.metrics.distinctTypes == 3)
    }

    @Test func distinctNCountsWithinSequences() {
        // Unigrams: 9 tokens, {3, 5, 7}. Bigrams: 3 + 4, {35, 55, 57, 77}. Trigrams: 2 + 3, {355, 557, 777}.
        #expect(HandMadeCase.metrics.distinct1 == 3.0 / 9)
        #expect(HandMadeCase.metrics.distinct2 == 4.0 / 7)
        #expect(HandMadeCase.metrics.distinct3 == 3.0 / 5)
    }

    @Test func repeatedFourGramsWithinASequence() {
        // 4-grams: (3557) once; (7777) twice in the second sequence, the second a repeat: 1 of 3.
        #expect(HandMadeCase.metrics.repeatedFourGramRate == 1.0 / 3)
        // Across sequences is not a repeat.
        var two = TrainingSequences()
        two.append([1, 2, 3, 4] as [Int32])
        two.append([1, 2, 3, 4] as [Int32])
        #expect(repeatedRate(two, n: 4) == 0)
    }

    @Test func unigramKLWithAddHalfSmoothing() {
        // Support {0, 3, 4, 5, 6, 7, 8, 9}; value computed independently (Python, float64).
        #expect(abs(HandMadeCase.metrics.unigramKL - 0.5504861915925533) < 1e-12)
        // Identical distributions: zero.
        var same = TrainingSequences()
        same.append([3, 4, 5, 5, 5, 5, 5] as [Int32])
        let identical = CorpusMetrics(corpus: same, real: RealProfile(counts: [0, 0, 0, 1, 1, 5, 0, 0, 0, 0]), excluded: [1, 2],
                                      textBytes: 1, compressedBytes: 1)
        #expect(abs(identical.unigramKL) < 1e-15)
    }

    @Test func compressionRatio() {
        #expect(HandMadeCase.metrics.compressionRatio == 4)
    }

    @Test func tailSharesAgainstReferencePercentiles() {
        let shares = tailShares([1, 2, 3, 4, 100], lower: 1.5, upper: 50)
        #expect(shares.below == 0.2 && shares.above == 0.2)
    }
}
