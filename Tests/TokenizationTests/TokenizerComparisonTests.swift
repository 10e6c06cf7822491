import Testing
@testable import Storage
@testable import Tokenization

@Suite struct TokenizerComparisonTests {
    @Test func groupsSplitsByShapeWithCounts() throws {
        let text = "it 's the U.S. and it 's e.g. No. 5 ...\nthe cafe \u{301}x 's\n"
        let comparison = try TokenizerComparison.compare(MemorySource(text))
        #expect(comparison.whitespaceTokens == 15)
        // it the and it 5 the cafe
        #expect(comparison.identical == 7)
        let kinds = Dictionary(uniqueKeysWithValues: comparison.kinds.map { ($0.shape, $0) })
        #expect(kinds["' a"]?.count == 3)
        #expect(kinds["' a"]?.examples == ["'s"])
        #expect(kinds["a.a ."]?.count == 2)
        #expect(kinds["a ."]?.count == 1)
        #expect(kinds[". . ."]?.count == 1)
        // A combining mark after a space joins the space in ICU, leaving only the letter.
        #expect(kinds["a"]?.examples == ["\u{301}x"])
        #expect(comparison.kinds.first?.shape == "' a")
    }

    @Test func shapesCollapseLetterAndDigitRuns() {
        #expect(TokenizerComparison.shape("U.S") == "a.a")
        #expect(TokenizerComparison.shape("1990s") == "9a")
        #expect(TokenizerComparison.shape("2.Nf3") == "9.a9")
    }
}
