import Dispatch
import Foundation

/// A binary file of named sections that is used where it lies: each section starts on a page
/// boundary, so a reader maps the file and takes typed pointers into it with no copying.
///
/// Layout: the magic; the sections, each padded to a multiple of `alignment`; a table of
/// contents (JSON: the caller's metadata, each section's offset and size, and an XXH64 of every
/// `chunkSize` bytes before the table); the table's size and its XXH64 (8 bytes each, little
/// endian); the magic again. Arrays are raw little-endian memory: every platform Swift builds
/// this tool for is little-endian.
public enum SectionFile {
    public static let alignment = 4096
    /// Bytes per checksummed chunk: small enough to spread over the cores, large enough that
    /// the table of contents stays short.
    public static let chunkSize = 1 << 22

    struct Contents: Codable {
        var metadata: String
        var chunkSize: Int
        var dataBytes: Int
        var chunks: [String]
        var sections: [String: [Int]]
    }
}

/// Writes a `SectionFile` through a temporary file renamed into place by `finish`.
public final class SectionFileWriter {
    private let file: OutputFile
    private let magic: [UInt8]
    private var sections: [String: [Int]] = [:]
    private var chunks: [String] = []
    private var hasher = XXHash64()
    private var inChunk = 0

    public init(path: String, magic: String) throws {
        file = try OutputFile(path: path)
        self.magic = Array(magic.utf8)
        try self.magic.withUnsafeBytes { try write($0) }
    }

    /// Appends a section on the next page boundary.
    public func add(_ name: String, _ bytes: UnsafeRawBufferPointer) throws {
        precondition(sections[name] == nil, "section \(name) written twice")
        let padding = (SectionFile.alignment - file.count % SectionFile.alignment) % SectionFile.alignment
        try [UInt8](repeating: 0, count: padding).withUnsafeBytes { try write($0) }
        sections[name] = [file.count, bytes.count]
        try write(bytes)
    }

    public func add<T: BitwiseCopyable>(_ name: String, array: [T]) throws {
        try array.withUnsafeBytes { try add(name, $0) }
    }

    /// Writes the table of contents with `metadata` and renames the file into place.
    public func finish(metadata: String) throws {
        if inChunk > 0 { chunks.append(hasher.finalize().hexDigits) }
        let contents = SectionFile.Contents(metadata: metadata, chunkSize: SectionFile.chunkSize, dataBytes: file.count,
                                            chunks: chunks, sections: sections)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let table = Array(try encoder.encode(contents))
        try file.write(table)
        var trailer = [UInt8]()
        withUnsafeBytes(of: UInt64(table.count).littleEndian) { trailer += $0 }
        withUnsafeBytes(of: XXHash64.hash(table).littleEndian) { trailer += $0 }
        try file.write(trailer + magic)
        try file.commit()
    }

    /// Writes data bytes, hashing them chunk by chunk.
    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        try file.write(bytes)
        var rest = bytes[...]
        while !rest.isEmpty {
            let take = min(rest.count, SectionFile.chunkSize - inChunk)
            hasher.update(UnsafeRawBufferPointer(rebasing: rest.prefix(take)))
            inChunk += take
            rest = rest.dropFirst(take)
            if inChunk == SectionFile.chunkSize {
                chunks.append(hasher.finalize().hexDigits)
                (hasher, inChunk) = (XXHash64(), 0)
            }
        }
    }
}

/// A `SectionFile` mapped into memory, every byte checked against its checksums on opening
/// (once per unchanged file: `VerificationRecord`).
public final class SectionFileReader: Sendable {
    public let file: MappedFile
    /// The metadata the writer gave.
    public let metadata: String
    private let sections: [String: [Int]]

    /// Maps `path` and checks it whole, its chunks spread over the cores, unless this file was
    /// checked whole before and has not changed since (`VerificationRecord`).
    /// - Returns: nil when the file does not start with `magic`.
    /// - Throws: when it is truncated or damaged anywhere.
    /// - Complexity: O(file size) reading, divided among the cores; nothing is copied into memory.
    public init?(path: String, magic: String) throws {
        let file = try MappedFile(path: path)
        let bytes = file.bytes, magic = Array(magic.utf8)
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else { return nil }
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        let trailer = 16 + magic.count
        guard bytes.count >= magic.count + trailer, bytes.suffix(magic.count).elementsEqual(magic) else {
            throw fail("truncated: the file ends early")
        }
        let end = bytes.count - trailer
        let tableBytes = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: end, as: UInt64.self)))
        guard tableBytes <= end - magic.count else { throw fail("corrupt: the table of contents is out of range") }
        let table = UnsafeRawBufferPointer(rebasing: bytes[(end - tableBytes)..<end])
        guard XXHash64.hash(table) == UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: end + 8, as: UInt64.self)) else {
            throw fail("checksum mismatch: the table of contents is damaged")
        }
        let contents: SectionFile.Contents
        do { contents = try JSONDecoder().decode(SectionFile.Contents.self, from: Data(table)) } catch { throw fail("corrupt table of contents") }
        guard contents.dataBytes == end - tableBytes, contents.chunkSize > 0,
              contents.chunks.count == contents.dataBytes / contents.chunkSize + (contents.dataBytes % contents.chunkSize == 0 ? 0 : 1) else {
            throw fail("corrupt: the table of contents does not match the file's size")
        }
        for (name, range) in contents.sections {
            guard range.count == 2, range[0] >= magic.count, range[1] >= 0, range[0] <= contents.dataBytes - range[1] else {
                throw fail("corrupt: section \(name) is out of range")
            }
        }
        // The table's checksum covers every chunk's: with the file's identity it names the bytes verified.
        let fingerprint = XXHash64.hash(table).hexDigits
        if !VerificationRecord.holds(for: path, fingerprint: fingerprint) {
            try Self.verify(file, chunks: contents.chunks, chunkSize: contents.chunkSize, dataBytes: contents.dataBytes)
            VerificationRecord.record(for: path, fingerprint: fingerprint)
        }
        self.file = file
        metadata = contents.metadata
        sections = contents.sections
    }

    /// The bytes of a section.
    public func section(_ name: String) throws -> UnsafeRawBufferPointer {
        guard let range = sections[name] else { throw CollapseError("corrupt: section \(name) is missing", path: file.path) }
        return UnsafeRawBufferPointer(rebasing: file.bytes[range[0]..<(range[0] + range[1])])
    }

    /// A section as `count` elements of `T`.
    public func section<T: BitwiseCopyable>(_ name: String, of type: T.Type, count: Int) throws -> UnsafeBufferPointer<T> {
        let bytes = try section(name)
        guard let expected = Int.product(of: [count, MemoryLayout<T>.stride]), bytes.count == expected else {
            throw CollapseError("corrupt: section \(name) holds \(bytes.count) bytes, not \(count) elements of \(MemoryLayout<T>.stride)", path: file.path)
        }
        return bytes.assumingMemoryBound(to: T.self)
    }

    /// Every chunk's XXH64 on all cores, read through the mapping; each chunk's pages leave this
    /// process's resident memory once checked (they stay in the page cache, so the first use
    /// maps them back without reading the disk).
    private static func verify(_ file: MappedFile, chunks: [String], chunkSize: Int, dataBytes: Int) throws {
        nonisolated(unsafe) let failures = UnsafeMutableBufferPointer<Bool>.allocate(capacity: chunks.count)
        failures.initialize(repeating: false)
        defer { failures.deallocate() }
        let expected = chunks.map { UInt64(hexDigits: Substring($0)) }
        let workers = min(chunks.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for chunk in stride(from: worker, to: chunks.count, by: workers) {
                let offset = chunk * chunkSize
                let bytes = UnsafeRawBufferPointer(rebasing: file.bytes[offset..<min(dataBytes, offset + chunkSize)])
                failures[chunk] = XXHash64.hash(bytes) != expected[chunk]
                file.release(bytes)
            }
        }
        if let bad = failures.firstIndex(of: true) {
            throw CollapseError("checksum mismatch: bytes \(bad * chunkSize)… are damaged", path: file.path)
        }
    }
}
