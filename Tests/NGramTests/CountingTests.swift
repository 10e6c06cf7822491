import Testing
import TestSupport
@testable import LanguageModeling
@testable import NGram
@testable import Tokenization
import Storage

/// Counting an order in several parts at once numbers and counts its n-grams exactly as one
/// pass in order does.
@Suite struct CountingTests {
    func sequences() throws -> TrainingSequences {
        let text = smallCorpusText(lines: 600, seed: 11)
        var counts = TokenCounts()
        try TextScanner.scan(MemorySource(Array(text.utf8), path: "small"), tokenizer: WhitespaceTokenizer(), into: &counts)
        let vocabulary = try Vocabulary.build(from: counts, tokenizer: .whitespace)
        return try TrainingSequences.read(MemorySource(Array(text.utf8), path: "small"), tokenizer: WhitespaceTokenizer(),
                                          vocabulary: vocabulary, mode: .sentence, unknownID: SpecialToken.unknown.id)
    }

    @Test(arguments: [2, 3, 5])
    func partsCountWhatOnePassCounts(parts: Int) throws {
        let sequences = try sequences()
        let vocabularySize = Int(sequences.tokens.max() ?? 0) + 4
        let one = NGramCounts(sequences, order: 5, vocabularySize: vocabularySize, parts: 1)
        let many = NGramCounts(sequences, order: 5, vocabularySize: vocabularySize, parts: parts)
        #expect(one.keys.count == 6 && one.keys[5].count > 100)
        #expect(many.keys == one.keys)
        #expect(many.adjusted == one.adjusted)
        #expect(many.contexts == one.contexts)
        #expect(many.suffixes == one.suffixes)
    }
}
