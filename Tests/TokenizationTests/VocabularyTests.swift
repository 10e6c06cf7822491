import Foundation
import Testing
import TestSupport
@testable import Storage
@testable import Tokenization

func counts(of text: String, tokenizer: any Tokenizer = WhitespaceTokenizer()) throws -> TokenCounts {
    var counts = TokenCounts()
    try TextScanner.scan(text, tokenizer: tokenizer, into: &counts)
    return counts
}


@Suite struct VocabularyTests {
    @Test func specialsFirstThenByCountThenByBytes() throws {
        let vocabulary = try Vocabulary.build(from: counts(of: "b a c b\n\na c b <unk>\n"), tokenizer: .whitespace)
        #expect(vocabulary.tokens == ["<unk>", "<s>", "</s>", "<eos>", "b", "a", "c"])
        #expect(vocabulary.counts == [1, 0, 0, 2, 3, 2, 2])
        #expect(vocabulary.id(of: "b") == 4)
        #expect(vocabulary.id(of: "never seen") == SpecialToken.unknown.id)
    }

    @Test func reservedLiteralsMapToUnknown() throws {
        let vocabulary = try Vocabulary.build(from: counts(of: "x <s> y </s> <eos>\n"), tokenizer: .whitespace)
        #expect(vocabulary.id(of: "<s>") == SpecialToken.unknown.id)
        #expect(vocabulary.id(of: "</s>") == SpecialToken.unknown.id)
        #expect(vocabulary.id(of: "<eos>") == SpecialToken.endOfLine.id)
        #expect(vocabulary.counts[0] == 2 && vocabulary.counts[3] == 2)
    }

    @Test func minimumCountAndMaximumSizeFoldRareTokensIntoUnknown() throws {
        let text = "a a a a b b b c c d\n"
        let byCount = try Vocabulary.build(from: counts(of: text), tokenizer: .whitespace, minimumCount: 2)
        #expect(byCount.tokens.dropFirst(4) == ["a", "b", "c"])
        #expect(byCount.counts[0] == 1)
        let bySize = try Vocabulary.build(from: counts(of: text), tokenizer: .whitespace, maximumSize: 6)
        #expect(bySize.tokens.dropFirst(4) == ["a", "b"])
        #expect(bySize.counts[0] == 3)
        #expect(throws: CollapseError.self) { try Vocabulary.build(from: counts(of: text), tokenizer: .whitespace, maximumSize: 4) }
    }

    @Test func saveAndLoadRoundTrip() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let vocabulary = try Vocabulary.build(from: counts(of: "café naïve 日本 x x\n"), tokenizer: .icu)
        try vocabulary.save(to: "\(directory)/vocab.txt")
        let loaded = try Vocabulary.load(from: "\(directory)/vocab.txt")
        #expect(loaded.tokens == vocabulary.tokens && loaded.counts == vocabulary.counts)
        #expect(loaded.tokenizer == .icu && loaded.hash == vocabulary.hash)
        #expect(loaded.id(of: "日本") == vocabulary.id(of: "日本"))
    }

    @Test func handEditedFileIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/vocab.txt"
        try Vocabulary.build(from: counts(of: "a b b c\n"), tokenizer: .whitespace).save(to: path)
        let original = try InputFile.readText(path: path)
        let edits = [
            original.replacingOccurrences(of: "b\t2", with: "b\t20"),          // a count changed
            original.replacingOccurrences(of: "\nc\t1", with: "\nd\t1"),      // a token renamed
            original + "e\t1\n",                                               // a line added
            original.replacingOccurrences(of: "# tokenizer whitespace", with: "# tokenizer icu"),
        ]
        for edited in edits {
            try FileSystem.writeText(edited, to: path)
            #expect(throws: CollapseError.self) { try Vocabulary.load(from: path) }
        }
        try FileSystem.writeText(original, to: path)
        #expect(try Vocabulary.load(from: path).count == 7)
    }

    @Test func fileWithoutFinalNewlineLoadsAndMalformedLinesAreNamed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/vocab.txt"
        let vocabulary = try Vocabulary.build(from: counts(of: "a b b c\n"), tokenizer: .whitespace)
        try FileSystem.writeText(String(vocabulary.fileContents().dropLast()), to: path)
        #expect(try Vocabulary.load(from: path) == vocabulary)
        let cases = [
            ("b\t2", "b\t2x", "line 9: expected 'token<TAB>count'"),
            ("b\t2", "b 2", "line 9: expected 'token<TAB>count'"),
            ("\nc\t1", "\nb\t1", "token 'b' appears twice (id 6)"),
        ]
        for (old, new, problem) in cases {
            try FileSystem.writeText(vocabulary.fileContents().replacingOccurrences(of: old, with: new), to: path)
            #expect { try Vocabulary.load(from: path) } throws: { error in
                (error as? CollapseError)?.problem == problem && (error as? CollapseError)?.path == path
            }
        }
    }

    @Test func editedFileErrorNamesFileAndProblem() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/vocab.txt"
        try Vocabulary.build(from: counts(of: "a b b c\n"), tokenizer: .whitespace).save(to: path)
        try FileSystem.writeText(try InputFile.readText(path: path).replacingOccurrences(of: "b\t2", with: "b\t3"), to: path)
        do {
            _ = try Vocabulary.load(from: path)
            Issue.record("an edited vocabulary loaded")
        } catch let error as CollapseError {
            #expect(error.path == path)
            #expect(error.problem.contains("edited by hand"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func detokenizationJoinsWithSpaces() throws {
        let vocabulary = try Vocabulary.build(from: counts(of: "the cat sat\n"), tokenizer: .whitespace)
        let ids = ["the", "cat", "<eos>", "dog"].map(vocabulary.id(of:))
        #expect(vocabulary.text(of: ids) == "the cat <eos> <unk>")
    }
}
