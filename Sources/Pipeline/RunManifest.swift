import CorpusStore
import Foundation
import Storage

/// A run's bookkeeping (`manifest.json`): which stages finished, the checksum of every file they
/// wrote, and how long they took. Rewritten atomically after each stage, so a run killed at any
/// moment resumes from its last finished stage, and every reader can tell a damaged file.
public struct RunManifest: Codable, Sendable, Equatable {
    public struct Stage: Codable, Sendable, Equatable {
        public var name: String
        /// File (relative to the run directory) → XXH64 of its bytes.
        public var outputs: [String: String]
        public var seconds: Double
        /// True when the record was rebuilt from files that passed their own checks: the
        /// timing is unknown (0).
        public var rebuilt: Bool?
    }

    public var format = 1
    public var configuration: RunConfiguration
    public var vocabularyHash: String
    /// The corpus's `identity` when the run started (absent in runs of earlier versions).
    public var corpusIdentity: String?
    /// Finished stages by key, e.g. "seed-1/gen-3/generate".
    public var stages: [String: Stage] = [:]
    /// Files of the run as a whole (`config.json`, `metrics.tsv`) → XXH64 of their bytes.
    public var files: [String: String]?

    static let fileName = "manifest.json"

    init(configuration: RunConfiguration, vocabularyHash: String, corpusIdentity: String? = nil) {
        self.configuration = configuration
        self.vocabularyHash = vocabularyHash
        self.corpusIdentity = corpusIdentity
    }

    func save(in directory: String) throws {
        try FileSystem.writeText(try prettyJSON(self), to: "\(directory)/\(Self.fileName)")
    }

    /// The seconds each finished stage of the run in `directory` took, by key (e.g.
    /// "seed-1/gen-3/generate"); stages rebuilt from files (their time unknown) are left out.
    public static func stageSeconds(in directory: String) throws -> [String: Double] {
        try load(in: directory).stages.filter { $0.value.rebuilt != true }.mapValues(\.seconds)
    }

    /// Reads a run's manifest; a damaged one is refused with the command that rebuilds it.
    static func load(in directory: String) throws -> RunManifest {
        let path = "\(directory)/\(fileName)"
        let bytes = try InputFile(path: path).readAll()
        do {
            return try JSONDecoder().decode(RunManifest.self, from: Data(bytes))
        } catch {
            throw CollapseError("not a valid run manifest; rebuild it from the files on disk with `collapse run \(directory) --resume --rebuild-manifest` (or give the run's configuration file in place of the directory)", path: path)
        }
    }

    /// - Throws: unless `corpus` is the one the run used: its vocabulary, and its identity when
    ///   recorded, naming both identities.
    func check(corpus: Corpus, attributedTo source: String) throws {
        guard vocabularyHash == corpus.vocabulary.hash.hexDigits else {
            throw CollapseError("corpus \(corpus.path) has another vocabulary than the run's", path: source)
        }
        if let corpusIdentity, corpusIdentity != corpus.identity {
            throw CollapseError("corpus \(corpus.path) is not the one the run used (identity \(corpusIdentity) then, \(corpus.identity) now: re-imported?); its results would mix two corpora: restore that corpus or start a new run", path: source)
        }
    }

    /// The checksum the manifest records for a file of the run, if a finished stage (or the
    /// run itself) wrote it.
    func recordedChecksum(of file: String) -> String? {
        if let checksum = files?[file] { return checksum }
        return stages.values.lazy.compactMap { $0.outputs[file] }.first
    }

    /// Whether every file a finished stage recorded is on disk with its recorded bytes; the
    /// first file that is not, otherwise.
    func firstDamagedOutput(of key: String, in directory: String) -> String? {
        guard let stage = stages[key] else { return nil }
        for (file, checksum) in stage.outputs.sorted(by: { $0.key < $1.key }) {
            let path = "\(directory)/\(file)"
            if !FileSystem.exists(path) || (try? fileChecksum(path)) != checksum { return path }
        }
        return nil
    }
}
