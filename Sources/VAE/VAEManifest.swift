import Foundation
import Storage

/// A VAE run's bookkeeping (`manifest.json`): its configuration, the checksum of the digits it
/// learned from, and each finished generation's files with their checksums. Rewritten
/// atomically after each generation, so a run killed at any moment resumes after its last one.
struct VAEManifest: Codable, Equatable {
    struct Stage: Codable, Equatable {
        /// File (relative to the run directory) → XXH64 of its bytes.
        var outputs: [String: String]
        var seconds: Double
    }

    var format = 1
    var configuration: VAERunConfiguration
    var digitsChecksum: String
    /// Finished generations by key, e.g. "seed-1/gen-3".
    var stages: [String: Stage] = [:]

    static let fileName = "manifest.json"

    static func key(seed: UInt64, generation: Int) -> String { "seed-\(seed)/gen-\(generation)" }

    func save(in directory: String) throws {
        try FileSystem.writeText(try prettyJSON(self), to: "\(directory)/\(Self.fileName)")
    }

    static func load(in directory: String) throws -> VAEManifest {
        try readJSON(VAEManifest.self, from: "\(directory)/\(fileName)")
    }

    /// Whether the generation finished and every file it recorded still has its bytes.
    func isIntact(_ key: String, in directory: String) -> Bool {
        guard let stage = stages[key] else { return false }
        return stage.outputs.allSatisfy { file, checksum in (try? fileChecksum("\(directory)/\(file)")) == checksum }
    }
}
