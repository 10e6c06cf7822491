import Foundation
import Testing
import TestSupport
@testable import CorpusStore
@testable import Storage
@testable import Tokenization

/// The published WikiText-2 figures the KenLM references were built on.
@Suite(.enabled(if: wikiText2Directory != nil, "WIKITEXT2_DIR is not set: full-corpus tests skipped"))
struct WikiText2Tests {
    @Test func whitespaceImportReproducesTheReferenceFigures() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        var options = ImportOptions()
        options.tokenizer = .whitespace
        let corpus = try CorpusImporter.importDirectory(wikiText2Directory!, name: "wikitext-2", root: root, options: options)
        let train = try #require(corpus.manifest.record(for: .train)).statistics
        #expect(train.lines == 36_718)
        #expect(train.nonBlankLines == 23_767)
        #expect(train.words == 2_051_910)
        #expect(train.tokens == 2_075_677)
        #expect(train.blocks == 32_432)
        #expect(train.types == 33_278)
        #expect(corpus.manifest.record(for: .valid)?.statistics.blocks == 3_380)
        #expect(corpus.manifest.record(for: .test)?.statistics.blocks == 3_814)
        // Every valid/test word occurs in train.
        #expect(corpus.manifest.splits.map(\.unknownTokens) == [0, 0, 0])
        #expect(try corpus.blocks(.train).blockCount == 32_432)

        // The stored blocks are the token stream, in order.
        let ids = try corpus.blocks(.test).blocks().ids
        let text = try InputFile.readText(path: "\(wikiText2Directory!)/test.txt")
        let expected = text.split(separator: "\n").flatMap { line -> [String] in
            // White_Space on scalars: splitting Characters would glue a space to a following
            // combining mark.
            let words = line.unicodeScalars.split(whereSeparator: \.properties.isWhitespace).map { String(String.UnicodeScalarView($0)) }
            return words.isEmpty ? [] : words + ["<eos>"]
        }
        #expect(ids.map { corpus.vocabulary.token(Int($0)) } == Array(expected.prefix(ids.count)))
    }

    @Test func icuKeepsWikiTextMarkersWhole() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let icu = try CorpusImporter.importDirectory(wikiText2Directory!, name: "icu", root: root, options: ImportOptions())
        var whitespaceOptions = ImportOptions()
        whitespaceOptions.tokenizer = .whitespace
        let whitespace = try CorpusImporter.importDirectory(wikiText2Directory!, name: "ws", root: root, options: whitespaceOptions)
        for marker in ["<unk>", "@-@", "@,@", "@.@"] {
            let id = icu.vocabulary.id(of: marker)
            #expect(icu.vocabulary.token(Int(id)) == marker)
            #expect(icu.vocabulary.counts[Int(id)] == whitespace.vocabulary.counts[Int(whitespace.vocabulary.id(of: marker))], "\(marker)")
        }
        #expect(!icu.vocabulary.contains("unk"))
        #expect(!icu.vocabulary.contains("@"))
    }
}
