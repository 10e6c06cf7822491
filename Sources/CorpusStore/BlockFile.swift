import Storage
import Tokenization

/// The on-disk form of a corpus split: fixed-size blocks of token ids, zstd-compressed.
///
/// Layout (little-endian): a 64-byte header, then zstd frames holding the ids back to back,
/// each `idWidth` bytes. Three checksums: of the ids (what the corpus says), of the compressed
/// bytes (so any flipped byte is caught, even one zstd would ignore), and of the header.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `MCBLOCKS` |
/// | 8 | 4 | format version (1) |
/// | 12 | 4 | block size (tokens) |
/// | 16 | 8 | block count |
/// | 24 | 8 | vocabulary hash (XXH64) |
/// | 32 | 4 | vocabulary size |
/// | 36 | 4 | id width: 2 or 4 bytes |
/// | 40 | 8 | XXH64 of the uncompressed ids |
/// | 48 | 8 | XXH64 of the compressed bytes (everything after the header) |
/// | 56 | 8 | XXH64 of bytes 0..<56 |
public struct BlockFileHeader: Equatable, Sendable {
    public static let magic = Array("MCBLOCKS".utf8)
    public static let version: UInt32 = 2
    public static let size = 64

    public var blockSize: Int
    public var blockCount: Int
    public var vocabularyHash: UInt64
    public var vocabularySize: Int
    public var idWidth: Int
    public var payloadChecksum: UInt64
    public var compressedChecksum: UInt64 = 0

    public init(blockSize: Int, blockCount: Int, vocabularyHash: UInt64, vocabularySize: Int,
                idWidth: Int, payloadChecksum: UInt64) {
        self.blockSize = blockSize
        self.blockCount = blockCount
        self.vocabularyHash = vocabularyHash
        self.vocabularySize = vocabularySize
        self.idWidth = idWidth
        self.payloadChecksum = payloadChecksum
    }

    /// Two bytes per id while the vocabulary fits, which also compresses better.
    public static func idWidth(forVocabularySize size: Int) -> Int { size <= 1 << 16 ? 2 : 4 }

    func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.appendLittleEndian(Self.version)
        bytes.appendLittleEndian(UInt32(blockSize))
        bytes.appendLittleEndian(UInt64(blockCount))
        bytes.appendLittleEndian(vocabularyHash)
        bytes.appendLittleEndian(UInt32(vocabularySize))
        bytes.appendLittleEndian(UInt32(idWidth))
        bytes.appendLittleEndian(payloadChecksum)
        bytes.appendLittleEndian(compressedChecksum)
        bytes.appendLittleEndian(XXHash64.hash(bytes))
        return bytes
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> BlockFileHeader {
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        guard bytes.count == size else { throw fail("truncated: shorter than a block-file header") }
        guard Array(bytes[0..<8]) == magic else { throw fail("not a ModelCollapse block file (bad magic)") }
        guard bytes.littleEndian(UInt64.self, at: 56) == XXHash64.hash(Array(bytes[0..<56])) else {
            throw fail("header checksum mismatch (file is damaged)")
        }
        let version = bytes.littleEndian(UInt32.self, at: 8)
        guard version == Self.version else { throw fail("block-file format version \(version) is not supported (expected \(Self.version))") }
        // A count beyond 2⁴⁸ tokens' worth of blocks is damage, whatever the checksum says.
        guard let blockCount = Int(count: bytes.littleEndian(UInt64.self, at: 16), atMost: 1 << 48) else {
            throw fail("header fields are invalid (block count \(bytes.littleEndian(UInt64.self, at: 16)))")
        }
        var header = BlockFileHeader(
            blockSize: Int(bytes.littleEndian(UInt32.self, at: 12)),
            blockCount: blockCount,
            vocabularyHash: bytes.littleEndian(UInt64.self, at: 24),
            vocabularySize: Int(bytes.littleEndian(UInt32.self, at: 32)),
            idWidth: Int(bytes.littleEndian(UInt32.self, at: 36)),
            payloadChecksum: bytes.littleEndian(UInt64.self, at: 40))
        header.compressedChecksum = bytes.littleEndian(UInt64.self, at: 48)
        // Vocabularies are at most 2²⁴ ids (the largest `--max-size`): a larger count is damage.
        guard header.idWidth == 2 || header.idWidth == 4, header.blockSize >= 1, header.blockSize <= 1 << 20,
              header.blockCount <= (1 << 48) / header.blockSize, (1...(1 << 24)).contains(header.vocabularySize) else {
            throw fail("header fields are invalid (id width \(header.idWidth), block size \(header.blockSize), \(header.blockCount) blocks, vocabulary of \(header.vocabularySize))")
        }
        return header
    }
}

/// Writes a block file in one streaming pass: the header's count and checksum are filled in at
/// the end, then the file is renamed into place.
public final class BlockFileWriter {
    public let path: String
    private let file: OutputFile
    private let stream: ZstdOutputStream
    private var header: BlockFileHeader
    private var checksum = XXHash64()
    private var staging: [UInt8] = []

    public init(path: String, vocabulary: Vocabulary, blockSize: Int, compressionLevel: Int32 = 3) throws {
        self.path = path
        file = try OutputFile(path: path)
        header = BlockFileHeader(
            blockSize: blockSize, blockCount: 0, vocabularyHash: vocabulary.hash, vocabularySize: vocabulary.count,
            idWidth: BlockFileHeader.idWidth(forVocabularySize: vocabulary.count), payloadChecksum: 0)
        try file.write(header.encoded())
        stream = try ZstdOutputStream(file: file, level: compressionLevel)
    }

    public var blockCount: Int { header.blockCount }

    /// Appends one block. - Precondition: `block.count == blockSize`, ids within the vocabulary.
    public func append(_ block: UnsafeBufferPointer<Int32>) throws {
        precondition(block.count == header.blockSize, "a block must have exactly blockSize tokens")
        staging.removeAll(keepingCapacity: true)
        if header.idWidth == 2 {
            for id in block { staging.appendLittleEndian(UInt16(truncatingIfNeeded: id)) }
        } else {
            for id in block { staging.appendLittleEndian(UInt32(bitPattern: id)) }
        }
        try staging.withUnsafeBytes { bytes in
            checksum.update(bytes)
            try stream.write(bytes)
        }
        header.blockCount += 1
    }

    public func append(_ block: [Int32]) throws {
        try block.withUnsafeBufferPointer { try append($0) }
    }

    /// Ends the stream, writes the final header and renames the file into place.
    public func finish() throws {
        try stream.finish()
        header.payloadChecksum = checksum.finalize()
        header.compressedChecksum = stream.compressedChecksum.finalize()
        try file.overwrite(header.encoded(), at: 0)
        try file.commit()
    }
}

/// Reads a block file as a stream of blocks, checking everything it can: header checksum,
/// vocabulary, zstd integrity, id range, block count and the payload checksum at the end.
public final class BlockFileReader {
    public let path: String
    public let header: BlockFileHeader
    private let file: InputFile

    /// - Parameter vocabulary: when given, a file made with another vocabulary is refused.
    public init(path: String, vocabulary: Vocabulary? = nil) throws {
        self.path = path
        var file = try InputFile(path: path)
        self.file = file
        var bytes = [UInt8](repeating: 0, count: BlockFileHeader.size)
        let count = try bytes.withUnsafeMutableBytes { try file.readFully(into: $0) }
        header = try BlockFileHeader.decode(Array(bytes[..<count]), path: path)
        if let vocabulary {
            guard header.vocabularyHash == vocabulary.hash else {
                throw CollapseError("made with another vocabulary (hash \(header.vocabularyHash.hexDigits), expected \(vocabulary.hash.hexDigits))", path: path)
            }
        }
    }

    public var blockSize: Int { header.blockSize }
    public var blockCount: Int { header.blockCount }

    /// Calls `body` with each block in order; the buffer is valid only during the call. Throws
    /// on any damage — possibly after some blocks were delivered, so callers write their own
    /// outputs atomically. O(blocks × block size).
    public func forEachBlock(_ body: (UnsafeBufferPointer<Int32>) throws -> Void) throws {
        let compressed = HashingSource(file)
        var stream = try ZstdInputStream(source: compressed)
        let width = header.idWidth
        let blockBytes = header.blockSize * width
        var raw = [UInt8](repeating: 0, count: blockBytes)
        var block = [Int32](repeating: 0, count: header.blockSize)
        var checksum = XXHash64()
        let vocabularySize = header.vocabularySize
        for index in 0..<header.blockCount {
            let count = try raw.withUnsafeMutableBytes { try stream.readFully(into: $0) }
            guard count == blockBytes else {
                throw CollapseError("truncated: header promises \(header.blockCount) blocks, data ends in block \(index)", path: path)
            }
            try raw.withUnsafeBytes { bytes in
                checksum.update(bytes)
                try block.withUnsafeMutableBufferPointer { ids in
                    for position in 0..<ids.count {
                        let id = width == 2
                            ? Int32(bytes.loadUnaligned(fromByteOffset: position * 2, as: UInt16.self).littleEndian)
                            : Int32(bitPattern: bytes.loadUnaligned(fromByteOffset: position * 4, as: UInt32.self).littleEndian)
                        guard id >= 0 && Int(id) < vocabularySize else {
                            throw CollapseError("corrupt: token id \(id) in block \(index) is outside the vocabulary", path: path)
                        }
                        ids[position] = id
                    }
                }
            }
            try block.withUnsafeBufferPointer { try body($0) }
        }
        var extra = [UInt8](repeating: 0, count: 1)
        guard try extra.withUnsafeMutableBytes({ try stream.readFully(into: $0) }) == 0 else {
            throw CollapseError("corrupt: data continues after the \(header.blockCount) blocks the header promises", path: path)
        }
        guard checksum.finalize() == header.payloadChecksum else {
            throw CollapseError("checksum mismatch: the stored ids are damaged", path: path)
        }
        guard compressed.checksum.finalize() == header.compressedChecksum else {
            throw CollapseError("checksum mismatch: the compressed data is damaged", path: path)
        }
    }

    /// All ids, block after block. Memory: O(tokens).
    /// The first `limit` blocks (all when nil), verified.
    public func blocks(limit: Int? = nil) throws -> Blocks {
        let wanted = min(limit ?? blockCount, blockCount)
        var ids: [Int32] = []
        // Reserved up to a bound: the header's count is trusted only once the data bears it out.
        ids.reserveCapacity(min(wanted * blockSize, 1 << 26))
        var taken = 0
        try forEachBlock { block in
            if taken < wanted { ids.append(contentsOf: block) }
            taken += 1
        }
        return Blocks(ids: ids, length: blockSize)
    }

    /// Reads the whole file only to check it.
    public func verify() throws {
        try forEachBlock { _ in }
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    func littleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
