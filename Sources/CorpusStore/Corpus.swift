import Foundation
import Storage
import Tokenization

/// The three splits of a corpus.
public enum Split: String, CaseIterable, Codable, Sendable {
    case train, valid, test
}

/// What `corpus.json` records about a corpus: where it came from, how it was tokenized, its
/// vocabulary's identity, and each split's figures.
public struct CorpusManifest: Codable, Sendable, Equatable {
    public static let currentFormat = 1

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
            throw CollapseError("corpus format \(manifest.format) is not supported (expected \(CorpusManifest.currentFormat))", path: manifestPath)
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

    public func blocksPath(_ split: Split) -> String { "\(path)/\(split.rawValue).blocks" }
    public func textPath(_ split: Split) -> String { "\(path)/\(split.rawValue).txt.zst" }

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
    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
