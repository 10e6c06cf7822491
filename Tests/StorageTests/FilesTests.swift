import Foundation
import Testing
import TestSupport
@testable import Storage


@Suite struct OutputFileTests {
    @Test func nothingAppearsUntilCommit() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/out.txt"
        let file = try OutputFile(path: path)
        try file.write("hello")
        #expect(!FileSystem.exists(path))
        try file.commit()
        #expect(try InputFile.readText(path: path) == "hello")
    }

    @Test func abandonedWriteLeavesOldFileAndNoTemporary() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/out.txt"
        try FileSystem.writeText("old", to: path)
        do {
            let file = try OutputFile(path: path)
            try file.write("new, never committed")
        }
        #expect(try InputFile.readText(path: path) == "old")
        #expect(try FileSystem.contents(of: directory) == ["out.txt"])
    }

    @Test func overwriteRewritesEarlierBytes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/out.bin"
        let file = try OutputFile(path: path)
        try file.write([0, 0, 0, 0])
        try file.write(Array(repeating: 7, count: 300_000))
        try file.overwrite([1, 2, 3, 4], at: 0)
        try file.commit()
        let bytes = try InputFile(path: path).readAll()
        #expect(bytes.count == 300_004)
        #expect(Array(bytes[0..<5]) == [1, 2, 3, 4, 7])
    }

    @Test func missingFileIsOneLineErrorNamingIt() {
        #expect(throws: CollapseError("no such file or directory", path: "/nonexistent/x")) {
            try InputFile(path: "/nonexistent/x")
        }
    }

    @Test func readTextRejectsNonUTF8WithOffset() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/bad.txt"
        let file = try OutputFile(path: path)
        try file.write(Array("line one\nline".utf8) + [0xFE] + Array("\n".utf8))
        try file.commit()
        #expect(throws: CollapseError("not valid UTF-8 at byte offset 13", path: path)) {
            try InputFile.readText(path: path)
        }
    }
}

@Suite struct ZstdTests {
    func writeCompressed(_ bytes: [UInt8], to path: String) throws {
        let file = try OutputFile(path: path)
        let stream = try ZstdOutputStream(file: file)
        try stream.write(bytes)
        try stream.finish()
        try file.commit()
    }

    func readDecompressed(_ path: String) throws -> [UInt8] {
        var source = try Zstd.openReading(path: path)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1000)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return out }
            out += buffer[..<count]
        }
    }

    @Test func roundTripIsByteExact() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<400_000).map { index in index % 3 == 0 ? UInt8.random(in: 0...255, using: &generator) : UInt8(index % 17) }
        try writeCompressed(bytes, to: "\(directory)/a.zst")
        #expect(try readDecompressed("\(directory)/a.zst") == bytes)
    }

    @Test func truncatedStreamIsReported() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/a.zst"
        try writeCompressed(Array(repeating: 42, count: 100_000) + (0..<50_000).map { UInt8($0 % 251) }, to: path)
        var stored = try InputFile(path: path).readAll()
        stored.removeLast(10)
        let cut = try OutputFile(path: path)
        try cut.write(stored)
        try cut.commit()
        #expect(throws: CollapseError("compressed data is truncated", path: path)) { try readDecompressed(path) }
    }

    @Test func flippedByteIsReported() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/a.zst"
        try writeCompressed((0..<100_000).map { UInt8(($0 * 7) % 253) }, to: path)
        var stored = try InputFile(path: path).readAll()
        stored[stored.count / 2] ^= 0x10
        let damaged = try OutputFile(path: path)
        try damaged.write(stored)
        try damaged.commit()
        #expect(throws: CollapseError.self) { try readDecompressed(path) }
    }
}

@Suite struct LineChunkReaderTests {
    @Test func chunksEndOnLineBreaksWithCorrectOffsets() throws {
        let text = (0..<200).map { "line \($0) " + String(repeating: "x", count: $0 % 37) }.joined(separator: "\n") + "\nlast"
        var reader = LineChunkReader(source: MemorySource(text), chunkSize: 64)
        var rebuilt: [UInt8] = []
        try reader.forEachChunk { chunk, offset in
            #expect(offset == rebuilt.count)
            rebuilt += chunk
            if offset + chunk.count < text.utf8.count { #expect(chunk.last == 0x0A) }
        }
        #expect(rebuilt == Array(text.utf8))
    }

    @Test func linesLongerThanTheChunkStayWhole() throws {
        let long = String(repeating: "y", count: 1000)
        var reader = LineChunkReader(source: MemorySource("a\n\(long)\nb\n"), chunkSize: 16)
        var chunks: [String] = []
        try reader.forEachChunk { chunk, _ in chunks.append(String(decoding: chunk, as: UTF8.self)) }
        #expect(chunks.joined() == "a\n\(long)\nb\n")
        #expect(chunks.contains { $0.contains(long + "\n") })
    }
}
