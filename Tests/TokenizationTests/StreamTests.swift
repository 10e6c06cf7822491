import Testing
@testable import Storage
@testable import Tokenization

@Suite struct TextScannerTests {
    @Test func countsLinesBlankLinesAndAFinalLineWithoutBreak() throws {
        let counts = try counts(of: "a b\n \n\nc\r\nd e f")
        #expect(counts.lines == 5)
        #expect(counts.nonBlankLines == 3)
        #expect(counts.words == 6)
        let statistics = counts.statistics(blockSize: 4)
        #expect(statistics.tokens == 9)
        #expect(statistics.blocks == 2)
        #expect(statistics.types == 7) // a b c d e f <eos>
    }

    @Test func typeFrequencyBuckets() throws {
        let text = Array(repeating: "x", count: 11).joined(separator: " ") + " y y z\n"
        let statistics = try counts(of: text).statistics(blockSize: 64)
        #expect(statistics.typesSeenOnce == 2)        // z, <eos>
        #expect(statistics.typesSeenTwoToTen == 1)    // y
        #expect(statistics.typesSeenMoreThanTen == 1) // x
    }

    @Test func linesSplitAcrossChunksAreCountedOnce() throws {
        let text = (0..<500).map { "w\($0 % 13) w\($0 % 7)" + ($0 % 5 == 0 ? "\n" : " ") }.joined()
        var small = TokenCounts()
        try TextScanner.scan(MemorySource(text), tokenizer: WhitespaceTokenizer(), into: &small, chunkSize: 32)
        let whole = try counts(of: text)
        #expect(small.lines == whole.lines && small.words == whole.words && small.nonBlankLines == whole.nonBlankLines)
        #expect(small.statistics(blockSize: 8) == whole.statistics(blockSize: 8))
    }

    @Test func invalidUTF8IsReportedWithFileAndAbsoluteOffset() throws {
        let bytes = Array(String(repeating: "ok line\n", count: 100).utf8) + [0x61, 0xC3, 0x28] + Array("\n".utf8)
        var sink = TokenCounts()
        #expect(throws: CollapseError("not valid UTF-8 at byte offset 801", path: "corpus/train.txt")) {
            try TextScanner.scan(MemorySource(bytes, path: "corpus/train.txt"), tokenizer: WhitespaceTokenizer(), into: &sink, chunkSize: 64)
        }
    }
}

/// Each line's tokens, as text: a sink whose lines do not depend on earlier lines.
struct LineTokens: TokenSink {
    var lines: [[String]] = []
    private var line: [String] = []
    mutating func token(_ bytes: UnsafeRawBufferPointer) { line.append(String(decoding: bytes, as: UTF8.self)) }
    mutating func endLine(tokenCount: Int) {
        lines.append(line)
        line.removeAll()
    }
}

@Suite struct ParallelScanTests {
    @Test(arguments: [TokenizerKind.whitespace, .icu])
    func chunksOnSeveralThreadsGiveTheLinesInOrder(kind: TokenizerKind) throws {
        let text = (0..<700).map { "l\($0) w\($0 % 13), naïve\($0 % 7)" + ($0 % 9 == 0 ? "\n\n" : "\n") }.joined() + "last line"
        var whole = LineTokens()
        try TextScanner.scan(MemorySource(text), tokenizer: try kind.makeTokenizer(), into: &whole)
        for (threads, chunkSize) in [(1, 40), (2, 40), (3, 97), (2, 1 << 22)] {
            var lines: [[String]] = []
            try TextScanner.scanInParallel(MemorySource(text), tokenizer: kind, threads: threads, chunkSize: chunkSize,
                                           makeSink: { LineTokens() }) { lines += $0.lines }
            #expect(lines == whole.lines, "\(threads) threads, chunks of \(chunkSize)")
        }
    }

    @Test func countsMergedFromChunksEqualOneScan() throws {
        let text = (0..<900).map { "w\($0 % 31) x\($0 % 17) w\($0 % 5)" + ($0 % 4 == 0 ? "\n \n" : "\n") }.joined()
        let whole = try counts(of: text)
        var merged = TokenCounts()
        try TextScanner.scanInParallel(MemorySource(text), tokenizer: .whitespace, threads: 3, chunkSize: 50, makeSink: { TokenCounts() }) {
            merged.merge($0)
        }
        #expect((0..<merged.table.count).map { merged.table.string($0) } == (0..<whole.table.count).map { whole.table.string($0) })
        #expect(merged.counts == whole.counts && merged.lines == whole.lines && merged.words == whole.words)
        #expect(merged.nonBlankLines == whole.nonBlankLines && merged.statistics(blockSize: 8) == whole.statistics(blockSize: 8))
        #expect(try TokenCounts.counting(MemorySource(text), tokenizer: .whitespace, threads: 2).counts == whole.counts)
    }

    @Test func theFirstBadChunkIsReportedWithItsAbsoluteOffset() throws {
        let bytes = Array(String(repeating: "ok line\n", count: 100).utf8) + [0x61, 0xC3, 0x28] + Array("\n".utf8)
            + Array(String(repeating: "more\n", count: 50).utf8) + [0xFF, 0x0A]
        #expect(throws: CollapseError("not valid UTF-8 at byte offset 801", path: "corpus/train.txt")) {
            try TextScanner.scanInParallel(MemorySource(bytes, path: "corpus/train.txt"), tokenizer: .whitespace, threads: 4, chunkSize: 64,
                                           makeSink: { LineTokens() }) { _ in }
        }
    }
}

@Suite struct BlockEncoderTests {
    @Test func appendsEndOfLineAfterNonBlankLinesAndDropsTheRemainder() throws {
        let text = "a b\n\nc\nd e f g\n"
        let vocabulary = try Vocabulary.build(from: counts(of: text), tokenizer: .whitespace)
        var blocks: [[String]] = []
        var encoder = BlockEncoder(vocabulary: vocabulary, blockSize: 3) { blocks.append($0.map { vocabulary.token(Int($0)) }) }
        try TextScanner.scan(text, tokenizer: WhitespaceTokenizer(), into: &encoder)
        #expect(blocks == [["a", "b", "<eos>"], ["c", "<eos>", "d"], ["e", "f", "g"]])
        #expect(encoder.remainder == 1)
        #expect(encoder.tokenCount == 10)
        #expect(encoder.blockCount == 3)
    }

    @Test func countsUnknownTokensButNotLiteralUnknown() throws {
        let vocabulary = try Vocabulary.build(from: counts(of: "a b\n"), tokenizer: .whitespace)
        var encoder = BlockEncoder(vocabulary: vocabulary, blockSize: 2) { _ in }
        try TextScanner.scan("a zzz <unk> b\n", tokenizer: WhitespaceTokenizer(), into: &encoder)
        #expect(encoder.unknownCount == 1)
    }
}
