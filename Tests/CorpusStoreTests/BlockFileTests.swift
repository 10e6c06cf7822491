import Testing
import TestSupport
@testable import CorpusStore
@testable import Storage
@testable import Tokenization

@Suite struct BlockFileTests {
    let vocabulary: Vocabulary
    let otherVocabulary: Vocabulary

    init() throws {
        var counts = TokenCounts()
        try TextScanner.scan((0..<300).map { "w\($0)" }.joined(separator: " ") + "\n", tokenizer: WhitespaceTokenizer(), into: &counts)
        vocabulary = try Vocabulary.build(from: counts, tokenizer: .whitespace)
        otherVocabulary = try Vocabulary.build(from: counts, tokenizer: .whitespace, maximumSize: 100)
    }

    func randomBlocks(count: Int, size: Int, seed: UInt64 = 42) -> [[Int32]] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in (0..<size).map { _ in Int32.random(in: 0..<Int32(vocabulary.count), using: &generator) } }
    }

    func write(_ blocks: [[Int32]], to path: String, size: Int) throws {
        let writer = try BlockFileWriter(path: path, vocabulary: vocabulary, blockSize: size)
        for block in blocks { try writer.append(block) }
        try writer.finish()
    }

    @Test func roundTripIsExactAndRewritingIsByteIdentical() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let blocks = randomBlocks(count: 500, size: 64)
        try write(blocks, to: "\(directory)/a.blocks", size: 64)
        let reader = try BlockFileReader(path: "\(directory)/a.blocks", vocabulary: vocabulary)
        #expect(reader.blockCount == 500 && reader.blockSize == 64)
        var read: [[Int32]] = []
        try reader.forEachBlock { read.append(Array($0)) }
        #expect(read == blocks)
        try write(read, to: "\(directory)/b.blocks", size: 64)
        #expect(try fileBytes("\(directory)/a.blocks") == fileBytes("\(directory)/b.blocks"))
    }

    @Test func everyFlippedByteIsDetected() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/a.blocks"
        try write(randomBlocks(count: 20, size: 16), to: path, size: 16)
        let original = try fileBytes(path)
        // Every byte of the file, header and compressed data — including bits zstd ignores.
        for position in 0..<original.count {
            var damaged = original
            damaged[position] ^= 0x01
            try expectRefused(damaged, at: path, "flipped byte \(position) went unnoticed")
        }
    }

    /// Writes `bytes` as the block file at `path` and expects reading it to fail.
    func expectRefused(_ bytes: [UInt8], at path: String, _ comment: Comment) throws {
        try writeBytes(bytes, to: path)
        #expect(throws: CollapseError.self, comment) { try BlockFileReader(path: path, vocabulary: vocabulary).verify() }
    }

    /// A header whose own checksum was recomputed after an edit: its fields are checked before
    /// any of them sizes an allocation or a loop.
    @Test func headerFieldsOutOfRangeAreRefusedEvenWithAValidHeaderChecksum() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/a.blocks"
        try write(randomBlocks(count: 20, size: 16), to: path, size: 16)
        let original = try fileBytes(path)
        let fields: [(offset: Int, width: Int, values: [UInt64])] = [
            (12, 4, [0, UInt64(UInt32.max)]), (16, 8, [1 << 63, .max, 1 << 50]), (32, 4, [0, UInt64(UInt32.max)]), (36, 4, [0, 3, UInt64(UInt32.max)]),
        ]
        for field in fields {
            for value in field.values {
                var damaged = original
                for byte in 0..<field.width { damaged[field.offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
                let checksum = XXHash64.hash(Array(damaged[0..<56]))
                for byte in 0..<8 { damaged[56 + byte] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt64(byte))) }
                try writeBytes(damaged, to: path)
                #expect(throws: CollapseError.self, "field at \(field.offset) = \(value)") { try BlockFileReader(path: path).verify() }
            }
        }
    }

    @Test func truncationIsDetected() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/a.blocks"
        try write(randomBlocks(count: 50, size: 64), to: path, size: 64)
        let original = try fileBytes(path)
        for keep in [0, 10, BlockFileHeader.size, BlockFileHeader.size + 20, original.count / 2, original.count - 1] {
            try expectRefused(Array(original[..<keep]), at: path, "truncation to \(keep) bytes went unnoticed")
        }
    }

    @Test func fileFromAnotherVocabularyIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/a.blocks"
        try write(randomBlocks(count: 3, size: 8), to: path, size: 8)
        do {
            _ = try BlockFileReader(path: path, vocabulary: otherVocabulary)
            Issue.record("a block file from another vocabulary was accepted")
        } catch let error as CollapseError {
            #expect(error.path == path && error.problem.contains("another vocabulary"))
        }
    }

    @Test func largeVocabulariesRoundTripWithFourBytesPerId() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        var counts = TokenCounts()
        try TextScanner.scan((0..<70_000).map { "t\($0)" }.joined(separator: " ") + "\n", tokenizer: WhitespaceTokenizer(), into: &counts)
        let large = try Vocabulary.build(from: counts, tokenizer: .whitespace)
        let path = "\(directory)/large.blocks"
        let block: [Int32] = [0, 3, 65_535, 65_536, 69_999, Int32(large.count - 1)]
        let writer = try BlockFileWriter(path: path, vocabulary: large, blockSize: block.count)
        try writer.append(block)
        try writer.finish()
        let reader = try BlockFileReader(path: path, vocabulary: large)
        #expect(reader.header.idWidth == 4)
        #expect(try reader.blocks().ids == block)
    }

    @Test func smallVocabulariesStoreTwoBytesPerId() {
        #expect(BlockFileHeader.idWidth(forVocabularySize: 33_280) == 2)
        #expect(BlockFileHeader.idWidth(forVocabularySize: 65_536) == 2)
        #expect(BlockFileHeader.idWidth(forVocabularySize: 65_537) == 4)
    }
}
