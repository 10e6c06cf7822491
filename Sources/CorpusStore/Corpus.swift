import Foundation
import Storage
import Tokenization

/// The three splits of a corpus.
public enum Split: String, CaseIterable, Codable, Sendable {
    case train, valid, test
}

/// What `corpus.json` records about a corpus: where it came from, how it was tokenized, its
/// vocabulary's identity, and each split's figures; with the checksum of all of that, so an
/// edited figure is refused rather than printed as truth.
public struct CorpusManifest: Codable, Sendable, Equatable {
    /// Format 2 added `checksum`.
    public static let currentFormat = 2

    public struct VocabularyRecord: Codable, Sendable, Equatable {
        public var hash: String
        public var size: Int
        public var minimumCount: Int
        public var maximumSize: Int?
    }

    public struct SplitRecord: Codable, Sendable, Equatable {
        public var split: Split
        /// The text file the split was imported from.
        public var source: String
        /// Figures of the raw token stream (before mapping to the vocabulary).
        public var statistics: TextStatistics
        /// Stream tokens that map to `<unk>` under the vocabulary (not counting literal `<unk>`).
        public var unknownTokens: Int
        /// The block file's payload checksum (XXH64 of the ids).
        public var blocksChecksum: String
    }

    public var format: Int
    public var name: String
    public var source: String
    public var tokenizer: TokenizerKind
    public var blockSize: Int
    public var vocabulary: VocabularyRecord
    public var splits: [SplitRecord]
    /// The share of each split's lines imported (nil: all of them).
    public var fraction: Double?
    /// XXH64 of the manifest's JSON written without this field.
    public var checksum: String?

    public func record(for split: Split) -> SplitRecord? {
        splits.first { $0.split == split }
    }
}

/// A corpus directory: `corpus.json`, `vocab.txt`, and per split `<split>.blocks` and
/// `<split>.txt.zst`.
public struct Corpus: Sendable {
    public static let manifestName = "corpus.json"
    public static let vocabularyName = "vocab.txt"

    public let path: String
    public let manifest: CorpusManifest
    public let vocabulary: Vocabulary

    /// Opens a corpus directory, checking that its vocabulary is the one the manifest names.
    public init(path: String) throws {
        guard FileSystem.isDirectory(path) else {
            throw CollapseError(FileSystem.exists(path) ? "not a corpus directory" : "no such corpus directory", path: path)
        }
        let manifestPath = "\(path)/\(Self.manifestName)"
        guard FileSystem.exists(manifestPath) else {
            throw CollapseError("not a corpus directory (no \(Self.manifestName); import one with `collapse corpus import`)", path: path)
        }
        let data = try InputFile(path: manifestPath).readAll()
        let manifest: CorpusManifest
        do {
            manifest = try JSONDecoder().decode(CorpusManifest.self, from: Data(data))
        } catch {
            throw CollapseError("not a valid corpus manifest (\(Self.describe(error)))", path: manifestPath)
        }
        guard manifest.format == CorpusManifest.currentFormat else {
            throw CollapseError("corpus format \(manifest.format) is not supported (expected \(CorpusManifest.currentFormat)); import the corpus again with `collapse corpus import … --force`", path: manifestPath)
        }
        guard try manifest.contentChecksum() == manifest.checksum else {
            throw CollapseError("damaged: its checksum differs from its content; import the corpus again with `collapse corpus import … --force`", path: manifestPath)
        }
        let vocabularyPath = "\(path)/\(Self.vocabularyName)"
        let vocabulary = try Vocabulary.load(from: vocabularyPath)
        guard vocabulary.hash.hexDigits == manifest.vocabulary.hash else {
            throw CollapseError("vocabulary hash \(vocabulary.hash.hexDigits) differs from the manifest's \(manifest.vocabulary.hash)", path: vocabularyPath)
        }
        self.path = path
        self.manifest = manifest
        self.vocabulary = vocabulary
    }

    /// Locks the corpus directory at `path`: exclusively to write it, shared to read it for
    /// the length of a run, so that no run reads a corpus while it is replaced.
    /// The lock file sits beside the directory (`.NAME.lock`), which an import swaps whole.
    public static func lock(_ path: String, exclusive: Bool, purpose: String) throws -> FileLock {
        let name = FileSystem.lastComponent(of: path)
        return try FileLock(path: "\(FileSystem.parent(of: path))/.\(name).lock", exclusive: exclusive, subject: path, purpose: purpose)
    }

    public func blocksPath(_ split: Split) -> String { "\(path)/\(split.rawValue).blocks" }
    public func textPath(_ split: Split) -> String { "\(path)/\(split.rawValue).txt.zst" }

    /// What the corpus holds, independent of where it was imported from: its tokenizer, block
    /// size, vocabulary and every split's ids (the texts are the ids' text). Two imports of the
    /// same data with the same options have the same identity; a re-import of other data does not.
    public var identity: String {
        let splits = Split.allCases.map { manifest.record(for: $0)?.blocksChecksum ?? "-" }
        let text = "\(manifest.tokenizer.rawValue)|\(manifest.blockSize)|\(manifest.vocabulary.hash)|\(splits.joined(separator: ","))"
        return XXHash64.hash(Array(text.utf8)).hexDigits
    }

    /// Every file of the corpus: what a command that reads it must never write.
    public var files: [String] {
        ["\(path)/\(Self.manifestName)", "\(path)/\(Self.vocabularyName)"] + Split.allCases.flatMap { [blocksPath($0), textPath($0)] }
    }

    /// A reader for a split's blocks, refusing a file from another vocabulary.
    public func blocks(_ split: Split) throws -> BlockFileReader {
        try BlockFileReader(path: blocksPath(split), vocabulary: vocabulary)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: "not JSON"
        default: "\(error)"
        }
    }
}

extension CorpusManifest {
    /// The file's text, checksum included.
    func encoded() throws -> String {
        var sealed = self
        sealed.checksum = try contentChecksum()
        return try prettyJSON(sealed)
    }

    /// XXH64 of the JSON of everything but the checksum (keys sorted, so it is canonical).
    func contentChecksum() throws -> String {
        var content = self
        content.checksum = nil
        return XXHash64.hash(Array(try prettyJSON(content).utf8)).hexDigits
    }
}
