/// Typed writing into a zstd stream, for binary artifacts (models). Layout: the magic, a zstd
/// frame whose content ends with the XXH64 of the content before it, then 8 raw bytes: the
/// XXH64 of the compressed frame (which catches even flips in bits zstd ignores). Arrays go out
/// as raw little-endian memory: every platform Swift builds this tool for is little-endian.
public final class BinaryWriter {
    private let file: OutputFile
    private let stream: ZstdOutputStream
    private var checksum = XXHash64()

    /// Writes `magic` uncompressed, then compresses the rest.
    public init(path: String, magic: String, level: Int32 = 1) throws {
        file = try OutputFile(path: path)
        try file.write(Array(magic.utf8))
        stream = try ZstdOutputStream(file: file, level: level)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        checksum.update(bytes)
        try stream.write(bytes)
    }

    public func write<T: BitwiseCopyable>(_ value: T) throws {
        try withUnsafeBytes(of: value) { try write($0) }
    }

    /// A count then the elements.
    public func write<T: BitwiseCopyable>(array: [T]) throws {
        try write(UInt64(array.count))
        try array.withUnsafeBytes { try write($0) }
    }

    /// A count then the elements of a buffer.
    public func write<T: BitwiseCopyable>(buffer: UnsafeBufferPointer<T>) throws {
        try write(UInt64(buffer.count))
        try write(UnsafeRawBufferPointer(buffer))
    }

    public func write(string: String) throws {
        try write(array: Array(string.utf8))
    }

    /// Appends the checksums, ends the stream and renames the file into place.
    public func finish() throws {
        let digest = checksum.finalize()
        try withUnsafeBytes(of: digest) { try stream.write($0) }
        try stream.finish()
        try withUnsafeBytes(of: stream.compressedChecksum.finalize().littleEndian) { try file.write($0) }
        try file.commit()
    }
}

/// Reads what a `BinaryWriter` wrote, verifying the checksum at `finish()`.
public final class BinaryReader {
    public let path: String
    private let file: InputFile
    private let compressed: HashingSource
    private let stream: ZstdInputStream
    private var checksum = XXHash64()

    /// Opens `path` and checks its magic. - Returns nil if the magic differs.
    public init?(path: String, magic: String) throws {
        self.path = path
        let file = try InputFile(path: path)
        self.file = file
        var found = [UInt8](repeating: 0, count: magic.utf8.count)
        let count = try found.withUnsafeMutableBytes { try file.readFully(into: $0) }
        guard count == found.count, found == Array(magic.utf8) else { return nil }
        guard file.size >= found.count + 8 else { throw CollapseError("truncated: the file ends early", path: path) }
        // The frame is everything between the magic and the 8-byte trailer.
        compressed = HashingSource(LimitedSource(file, count: file.size - found.count - 8))
        stream = try ZstdInputStream(source: compressed)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws {
        let count = try stream.readFully(into: buffer)
        guard count == buffer.count else { throw CollapseError("truncated: the file ends early", path: path) }
        checksum.update(UnsafeRawBufferPointer(buffer))
    }

    public func read<T: BitwiseCopyable>(_ type: T.Type) throws -> T {
        var value = [UInt8](repeating: 0, count: MemoryLayout<T>.size)
        try value.withUnsafeMutableBytes { try read(into: $0) }
        return value.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    /// An array written by `write(array:)`, refusing counts above `limit`.
    public func readArray<T: BitwiseCopyable>(of type: T.Type, limit: Int = 1 << 34) throws -> [T] {
        let count = try read(UInt64.self)
        guard count <= UInt64(limit) else { throw CollapseError("corrupt: an array claims \(count) elements", path: path) }
        guard count > 0 else { return [] }
        var array = [T](unsafeUninitializedCapacity: Int(count)) { _, initialized in initialized = Int(count) }
        try array.withUnsafeMutableBytes { try read(into: $0) }
        return array
    }

    /// Fills a buffer written by `write(buffer:)`, which must hold exactly its count.
    public func read<T: BitwiseCopyable>(into buffer: UnsafeMutableBufferPointer<T>) throws {
        let count = try read(UInt64.self)
        guard count == UInt64(buffer.count) else { throw CollapseError("corrupt: a table has \(count) elements, expected \(buffer.count)", path: path) }
        try read(into: UnsafeMutableRawBufferPointer(buffer))
    }

    public func readString(limit: Int = 1 << 30) throws -> String {
        let bytes = try readArray(of: UInt8.self, limit: limit)
        guard UTF8Validation.firstInvalidOffset(in: bytes) == nil else { throw CollapseError("corrupt: a string is not UTF-8", path: path) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Checks the trailing checksum and that nothing follows it.
    public func finish() throws {
        let expected = checksum.finalize()
        var digest = [UInt8](repeating: 0, count: 8)
        let count = try digest.withUnsafeMutableBytes { try stream.readFully(into: $0) }
        guard count == 8 else { throw CollapseError("truncated: the checksum is missing", path: path) }
        guard digest.withUnsafeBytes({ $0.loadUnaligned(as: UInt64.self) }) == expected else {
            throw CollapseError("checksum mismatch: the file is damaged", path: path)
        }
        var extra = [UInt8](repeating: 0, count: 1)
        guard try extra.withUnsafeMutableBytes({ try stream.readFully(into: $0) }) == 0 else {
            throw CollapseError("corrupt: data follows the checksum", path: path)
        }
        var trailer = [UInt8](repeating: 0, count: 8)
        guard try trailer.withUnsafeMutableBytes({ try file.readFully(into: $0) }) == 8,
              UInt64(littleEndian: trailer.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }) == compressed.checksum.finalize() else {
            throw CollapseError("checksum mismatch: the compressed data is damaged", path: path)
        }
    }
}

/// At most `count` bytes of a source.
final class LimitedSource: ByteSource {
    private var source: any ByteSource
    private var remaining: Int

    init(_ source: any ByteSource, count: Int) {
        self.source = source
        remaining = count
    }

    var path: String { source.path }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0 else { return 0 }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, remaining)]))
        remaining -= count
        return count
    }
}
