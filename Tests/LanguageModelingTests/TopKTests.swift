import LanguageModeling
import Testing

/// `TopK` is the one bounded selection every decoder ranks with: it must keep exactly what a
/// full sort in `ScoredToken` order would put first, ties included.
@Suite struct TopKTests {
    /// A small deterministic generator, so a failure names a reproducible case.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [0, 1, 2, 5, 16, 300])
    func keepsWhatAFullSortPutsFirst(k: Int) {
        var random = SplitMix(state: UInt64(k) + 7)
        for trial in 0..<50 {
            let count = Int(random.next() % 200)
            // Few distinct scores, so ties (broken by the lower id) are common.
            let candidates = (0..<count).map { index in
                ScoredToken(id: Int32(index), score: -Float(random.next() % 8) * 0.5)
            }.shuffled(using: &random)
            var top = TopK(k)
            for candidate in candidates { top.offer(candidate) }
            let expected = Array(candidates.sorted(by: ScoredToken.ranksBefore).prefix(k))
            #expect(top.tokens == expected, "k \(k), trial \(trial)")
            #expect(top.kth == (expected.count == k && k > 0 ? expected.last : nil))
        }
    }
}

extension TopKTests.SplitMix: RandomNumberGenerator {}
