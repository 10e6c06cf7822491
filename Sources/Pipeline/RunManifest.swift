import Foundation
import Storage

/// A run's bookkeeping (`manifest.json`): which stages finished, the checksum of every file they
/// wrote, and how long they took. Rewritten atomically after each stage, so a run killed at any
/// moment resumes from its last finished stage.
public struct RunManifest: Codable, Sendable, Equatable {
    public struct Stage: Codable, Sendable, Equatable {
        public var name: String
        /// File (relative to the run directory) → XXH64 of its bytes.
        public var outputs: [String: String]
        public var seconds: Double
    }

    public var format = 1
    public var configuration: RunConfiguration
    public var vocabularyHash: String
    /// Finished stages by key, e.g. "seed-1/gen-3/generate".
    public var stages: [String: Stage] = [:]

    static let fileName = "manifest.json"

    func save(in directory: String) throws {
        try FileSystem.writeText(try prettyJSON(self), to: "\(directory)/\(Self.fileName)")
    }

    static func load(in directory: String) throws -> RunManifest {
        let path = "\(directory)/\(fileName)"
        let bytes = try InputFile(path: path).readAll()
        do {
            return try JSONDecoder().decode(RunManifest.self, from: Data(bytes))
        } catch {
            throw CollapseError("not a valid run manifest", path: path)
        }
    }
}

/// XXH64 of a whole file, as 16 hex digits.
func fileChecksum(_ path: String) throws -> String {
    let file = try InputFile(path: path)
    var hasher = XXHash64()
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
        if count == 0 { break }
        buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }
    return hasher.finalize().hexDigits
}

/// JSON for files and people: indented, keys sorted (a dictionary's order varies from process
/// to process; files must not), slashes unescaped, ending in a line break.
func prettyJSON<Value: Encodable>(_ value: Value) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
