import Foundation
@testable import CorpusStore
@testable import Storage
@testable import Tokenization


/// A small WikiText-style directory: three splits of generated sentences.
func makeWikiTextFixture(in directory: String, names: (Split) -> String = { "\($0.rawValue).txt" },
                         lines: Int = 60) throws {
    try FileSystem.createDirectory(directory)
    for (index, split) in Split.allCases.enumerated() {
        var text = ""
        for line in 0..<(lines / (index + 1)) {
            if line % 4 == 0 { text += " \n"; continue }
            text += " the word\(line % 9) of line \(line) is <unk> , 1 @.@ 5 @-@ x .\n"
        }
        try FileSystem.writeText(text, to: "\(directory)/\(names(split))")
    }
}

func fileBytes(_ path: String) throws -> [UInt8] { try InputFile(path: path).readAll() }

func writeBytes(_ bytes: [UInt8], to path: String) throws {
    let file = try OutputFile(path: path)
    try file.write(bytes)
    try file.commit()
}

/// Every file under a directory with its bytes, to show that nothing changed.
func snapshot(_ directory: String) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for name in try FileSystem.contents(of: directory) {
        let path = "\(directory)/\(name)"
        if FileSystem.isDirectory(path) {
            for (inner, bytes) in try snapshot(path) { files["\(name)/\(inner)"] = bytes }
        } else {
            files[name] = try fileBytes(path)
        }
    }
    return files
}
