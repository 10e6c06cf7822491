import Foundation
import Testing
import TestSupport
@testable import Storage

@Suite struct SectionFileTests {
    /// A file with sections of awkward sizes (empty, one byte, more than a chunk's worth of
    /// pages is not needed: chunks are cut from the data region regardless of sections).
    func writeSample(to path: String) throws -> [String: [UInt8]] {
        let sections: [String: [UInt8]] = [
            "empty": [], "one": [7], "words": Array("alpha\tbeta\n".utf8),
            "numbers": (0..<5_000).flatMap { withUnsafeBytes(of: UInt32($0 * 2_654_435_761 & 0xFFFF_FFFF)) { Array($0) } },
        ]
        let writer = try SectionFileWriter(path: path, magic: "TESTFILE")
        for name in sections.keys.sorted() { try writer.add(name, sections[name]!.withUnsafeBytes { UnsafeRawBufferPointer($0) }) }
        try writer.finish(metadata: #"{"answer":42}"#)
        return sections
    }

    @Test func sectionsReadBackAlignedAndEqual() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let sections = try writeSample(to: "\(directory)/f.bin")
        let reader = try #require(try SectionFileReader(path: "\(directory)/f.bin", magic: "TESTFILE"))
        #expect(reader.metadata == #"{"answer":42}"#)
        for (name, bytes) in sections {
            let section = try reader.section(name)
            #expect(Array(section) == bytes, "\(name)")
            #expect(Int(bitPattern: section.baseAddress) % SectionFile.alignment == 0 || bytes.isEmpty)
        }
        let numbers = try reader.section("numbers", of: UInt32.self, count: 5_000)
        #expect(numbers[3] == UInt32(3 * 2_654_435_761 & 0xFFFF_FFFF))
        #expect(throws: CollapseError.self) { try reader.section("numbers", of: UInt32.self, count: 4_999) }
        #expect(throws: CollapseError.self) { try reader.section("absent") }
    }

    @Test func anyDamagedOrMissingByteIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/f.bin"
        _ = try writeSample(to: path)
        let original = try InputFile(path: path).readAll()
        // Every byte of the magic, of each section's start and of the table and trailer, and a
        // stride through the padding between.
        let ends = Array(0..<64) + Array((original.count - 600)..<original.count)
        let positions = Set(ends + Array(stride(from: 0, to: original.count, by: 211)) + (0..<6).map { $0 * SectionFile.alignment + 1 })
        for position in positions.sorted() where position < original.count {
            var damaged = original
            damaged[position] ^= 0x10
            try writeBytes(damaged, to: path)
            let opened = Result { try SectionFileReader(path: path, magic: "TESTFILE") }
            switch opened {
            case .success(let reader): #expect(reader == nil && position < 8, "byte \(position) of \(original.count)")
            case .failure(let error): #expect(error is CollapseError, "byte \(position)")
            }
        }
        try writeBytes(Array(original[..<7]), to: path)
        #expect(try SectionFileReader(path: path, magic: "TESTFILE") == nil)
        for length in [0, 8, 100, original.count / 2, original.count - 1] {
            try writeBytes(Array(original[..<length]), to: path)
            #expect(throws: CollapseError.self, "\(length) bytes") { _ = try SectionFileReader(path: path, magic: "TESTFILE") }
        }
        try writeBytes(original, to: path)
        #expect(try SectionFileReader(path: path, magic: "OTHERONE") == nil)
    }

    /// A file checked whole is remembered and not checked again while it is unchanged; a file
    /// changed just now is not remembered (its times could miss a change in the same clock
    /// tick); a byte written in place afterwards changes its times, so it is checked, and refused.
    @Test func aCheckedFileIsTrustedOnlyWhileUnchanged() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/f.bin"
        _ = try writeSample(to: path)
        // A record of this file as it is now (an earlier file with the same inode may have left one).
        func recorded() throws -> Bool {
            let identity = try #require(VerificationRecord.Identity(path: path))
            let record = try? String(contentsOfFile: try #require(VerificationRecord.recordFile(for: identity)), encoding: .utf8)
            return record?.hasPrefix(String(identity.line(fingerprint: "").dropLast())) == true
        }
        _ = try SectionFileReader(path: path, magic: "TESTFILE")
        #expect(try !recorded())
        Thread.sleep(forTimeInterval: Double(VerificationRecord.settlingSeconds) + 0.2)
        _ = try SectionFileReader(path: path, magic: "TESTFILE")
        #expect(try recorded())
        #expect(try SectionFileReader(path: path, magic: "TESTFILE") != nil)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(SectionFile.alignment + 3))
        try handle.write(contentsOf: [0x5A])
        try handle.close()
        #expect(try !recorded())
        #expect(throws: CollapseError.self) { _ = try SectionFileReader(path: path, magic: "TESTFILE") }
    }
}
