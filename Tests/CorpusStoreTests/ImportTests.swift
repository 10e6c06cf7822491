import Testing
import TestSupport
@testable import CorpusStore
@testable import Storage
@testable import Tokenization

@Suite struct ImportTests {
    func options(_ tokenizer: TokenizerKind = .whitespace, blockSize: Int = 8, force: Bool = false) -> ImportOptions {
        var options = ImportOptions()
        options.tokenizer = tokenizer
        options.blockSize = blockSize
        options.replaceExisting = force
        return options
    }

    @Test func importsSplitsWithVocabularyBlocksAndText() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        try makeWikiTextFixture(in: "\(root)/source")
        let corpus = try CorpusImporter.importDirectory("\(root)/source", name: "tiny", root: "\(root)/Corpora", options: options())
        #expect(try FileSystem.contents(of: corpus.path) == [
            "corpus.json", "test.blocks", "test.txt.zst", "train.blocks", "train.txt.zst", "valid.blocks", "valid.txt.zst", "vocab.txt"])
        let train = try #require(corpus.manifest.record(for: .train))
        #expect(train.statistics.lines == 60 && train.statistics.nonBlankLines == 45)
        // The text file holds the same blocks, detokenized, one per line.
        var ids: [[Int32]] = []
        try corpus.blocks(.train).forEachBlock { ids.append(Array($0)) }
        #expect(ids.count == train.statistics.blocks)
        var source = try Zstd.openReading(path: corpus.textPath(.train))
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while case let count = try buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), count > 0 { text += buffer[..<count] }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines == ids.map { corpus.vocabulary.text(of: $0) })
        #expect(lines[0] == "the word1 of line 1 is <unk> ,")
    }

    @Test func acceptsWikiTextReleaseFileNames() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        try makeWikiTextFixture(in: "\(root)/source", names: { "wiki.\($0.rawValue).tokens" })
        let corpus = try CorpusImporter.importDirectory("\(root)/source", name: "tiny", root: root, options: options(.icu))
        #expect(corpus.manifest.record(for: .test)?.source.hasSuffix("wiki.test.tokens") == true)
        #expect(corpus.vocabulary.contains("@.@") && corpus.vocabulary.contains("@-@"))
    }

    @Test func sameInputGivesByteIdenticalCorpus() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        try makeWikiTextFixture(in: "\(root)/source")
        try CorpusImporter.importDirectory("\(root)/source", name: "a", root: root, options: options(.icu))
        try CorpusImporter.importDirectory("\(root)/source", name: "b", root: root, options: options(.icu))
        var first = try snapshot("\(root)/a")
        var second = try snapshot("\(root)/b")
        // The manifests differ only in the corpus name.
        first["corpus.json"] = nil
        second["corpus.json"] = nil
        #expect(first == second)
    }

    // MARK: Bad input: one-line error naming the file; nothing overwritten.

    func expectFailure(_ source: String, root: String, options: ImportOptions, mentions fragment: String, path: String? = nil) throws {
        let existing = "\(root)/Corpora/tiny"
        let before = try snapshot(existing)
        do {
            try CorpusImporter.importDirectory(source, name: "tiny", root: "\(root)/Corpora", options: options)
            Issue.record("import of \(source) succeeded")
        } catch let error as CollapseError {
            #expect(error.description.contains(fragment), "\(error)")
            if let path { #expect(error.path == path, "\(error)") }
            #expect(!error.description.contains("\n"))
        }
        #expect(try snapshot(existing) == before, "the existing corpus changed")
        #expect(try FileSystem.contents(of: "\(root)/Corpora") == [".tiny.lock", "tiny"], "staging files were left behind")
    }

    func withExistingCorpus(_ body: (String) throws -> Void) throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        try makeWikiTextFixture(in: "\(root)/good")
        try CorpusImporter.importDirectory("\(root)/good", name: "tiny", root: "\(root)/Corpora", options: options())
        try body(root)
    }

    @Test func missingDirectoryOrSplit() throws {
        try withExistingCorpus { root in
            try expectFailure("\(root)/absent", root: root, options: options(force: true), mentions: "no such directory", path: "\(root)/absent")
            try makeWikiTextFixture(in: "\(root)/partial")
            try FileSystem.remove("\(root)/partial/valid.txt")
            try expectFailure("\(root)/partial", root: root, options: options(force: true), mentions: "no valid.txt", path: "\(root)/partial")
            try FileSystem.createDirectory("\(root)/empty-dir")
            try expectFailure("\(root)/empty-dir", root: root, options: options(force: true), mentions: "no WikiText-style split files")
        }
    }

    @Test func nonUTF8TextNamesFileAndOffset() throws {
        try withExistingCorpus { root in
            try makeWikiTextFixture(in: "\(root)/bad")
            let path = "\(root)/bad/test.txt"
            try writeBytes(Array("good line\n".utf8) + [0x41, 0xFF, 0x0A], to: path)
            try expectFailure("\(root)/bad", root: root, options: options(force: true), mentions: "not valid UTF-8 at byte offset 11", path: path)
        }
    }

    @Test func emptyCorpusAndCorpusShorterThanOneBlock() throws {
        try withExistingCorpus { root in
            try makeWikiTextFixture(in: "\(root)/empty")
            try FileSystem.writeText(" \n\n", to: "\(root)/empty/train.txt")
            try expectFailure("\(root)/empty", root: root, options: options(force: true), mentions: "empty", path: "\(root)/empty/train.txt")
            try makeWikiTextFixture(in: "\(root)/short")
            try FileSystem.writeText("just five tokens here\n", to: "\(root)/short/valid.txt")
            try expectFailure("\(root)/short", root: root, options: options(force: true), mentions: "shorter than one block: 5 tokens", path: "\(root)/short/valid.txt")
        }
    }

    @Test func existingCorpusNeedsForce() throws {
        try withExistingCorpus { root in
            try expectFailure("\(root)/good", root: root, options: options(), mentions: "already exists (use --force")
            let replaced = try CorpusImporter.importDirectory("\(root)/good", name: "tiny", root: "\(root)/Corpora", options: options(.icu, force: true))
            #expect(replaced.manifest.tokenizer == .icu)
            #expect(try FileSystem.contents(of: "\(root)/Corpora") == [".tiny.lock", "tiny"])
        }
    }

    @Test func corpusWithEditedVocabularyDoesNotOpen() throws {
        try withExistingCorpus { root in
            let path = "\(root)/Corpora/tiny/vocab.txt"
            try FileSystem.writeText(try InputFile.readText(path: path).replacingOccurrences(of: "\tof\t", with: "\tOF\t")
                                        .replacingOccurrences(of: "\nof\t", with: "\nOF\t"), to: path)
            #expect(throws: CollapseError.self) { try Corpus(path: "\(root)/Corpora/tiny") }
        }
    }

    @Test func statisticsOfCorpusBlockFileAndTextAgree() throws {
        try withExistingCorpus { root in
            let corpus = try Corpus(path: "\(root)/Corpora/tiny")
            let fromCorpus = try StatisticsReport.measure(corpus.path, tokenizer: .whitespace, blockSize: 8)
            let fromText = try StatisticsReport.measure("\(root)/good/train.txt", tokenizer: .whitespace, blockSize: 8)
            #expect(fromCorpus.rows.map(\.name) == ["train", "valid", "test"])
            #expect(fromCorpus.rows[0].statistics == fromText.rows[0].statistics)
            let fromBlocks = try StatisticsReport.measure(corpus.blocksPath(.train), tokenizer: .whitespace, blockSize: 8)
            #expect(fromBlocks.rows[0].statistics.blocks == fromText.rows[0].statistics.blocks)
            #expect(fromCorpus.rendered().contains("train"))
        }
    }

    @Test func statisticsRefuseABlockFileSwappedForAnother() throws {
        try withExistingCorpus { root in
            let corpus = "\(root)/Corpora/tiny"
            try writeBytes(try fileBytes("\(corpus)/test.blocks"), to: "\(corpus)/valid.blocks")
            #expect(throws: CollapseError.self) { try StatisticsReport.measure(corpus, tokenizer: .whitespace, blockSize: 8) }
        }
    }

    @Test func statisticsReportDamagedBlockFile() throws {
        try withExistingCorpus { root in
            let path = "\(root)/Corpora/tiny/valid.blocks"
            var bytes = try fileBytes(path)
            bytes[bytes.count - 3] ^= 0x40
            try writeBytes(bytes, to: path)
            #expect(throws: CollapseError.self) {
                try StatisticsReport.measure("\(root)/Corpora/tiny", tokenizer: .whitespace, blockSize: 8)
            }
        }
    }
}
