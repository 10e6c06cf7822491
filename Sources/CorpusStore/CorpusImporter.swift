import Foundation
import Reporting
import Storage
import Tokenization

/// How to turn a text corpus into a corpus directory.
public struct ImportOptions: Sendable {
    public var tokenizer: TokenizerKind = .icu
    public var blockSize = 64
    /// Training tokens seen fewer times map to `<unk>`.
    public var minimumCount = 1
    /// At most this many vocabulary ids, specials included.
    public var maximumVocabularySize: Int?
    /// Replace an existing corpus of the same name.
    public var replaceExisting = false
    /// Import only the first fraction of each split's lines (rounded up): a quick subset.
    public var fraction = 1.0

    public init() {}
}

/// Finds the split files of a WikiText-style directory.
public enum WikiTextLayout {
    /// Accepted names, in order of preference: `train.txt`…, `wiki.train.tokens`…, `wiki.train.raw`….
    static let patterns: [@Sendable (Split) -> String] = [
        { "\($0.rawValue).txt" },
        { "wiki.\($0.rawValue).tokens" },
        { "wiki.\($0.rawValue).raw" },
    ]

    /// The path of each split's file in `directory`.
    public static func locate(in directory: String) throws -> [Split: String] {
        guard FileSystem.isDirectory(directory) else {
            throw CollapseError(FileSystem.exists(directory) ? "not a directory" : "no such directory", path: directory)
        }
        for pattern in patterns {
            let paths = Dictionary(uniqueKeysWithValues: Split.allCases.map { ($0, "\(directory)/\(pattern($0))") })
            let present = paths.filter { FileSystem.exists($0.value) }
            if present.isEmpty { continue }
            if let missing = Split.allCases.first(where: { present[$0] == nil }) {
                throw CollapseError("has \(FileSystem.lastComponent(of: present.values.sorted()[0])) but no \(pattern(missing))", path: directory)
            }
            return paths
        }
        throw CollapseError("no WikiText-style split files (expected train.txt, valid.txt, test.txt or wiki.{train,valid,test}.{tokens,raw})", path: directory)
    }
}

/// Imports a WikiText-style directory into `<root>/<name>/`: the vocabulary from the training
/// split, then each split as blocks and text. Everything is written into a temporary directory
/// that replaces the destination only when all of it succeeded, so a failed import changes
/// nothing.
public enum CorpusImporter {
    @discardableResult
    public static func importDirectory(_ source: String, name: String, root: String, options: ImportOptions) throws -> Corpus {
        try FileSystem.checkPlainName(name, what: "corpus name")
        guard options.blockSize >= 2 else { throw CollapseError("block size must be at least 2 (got \(options.blockSize))") }
        guard options.minimumCount >= 1 else { throw CollapseError("minimum count must be at least 1 (got \(options.minimumCount))") }
        guard options.fraction > 0 && options.fraction <= 1 else { throw CollapseError("fraction must be within (0, 1] (got \(options.fraction))") }
        let files = try WikiTextLayout.locate(in: source).mapValues { path in
            SourceFile(path: path, lines: options.fraction == 1 ? nil : try keptLines(of: path, fraction: options.fraction))
        }
        let destination = "\(root)/\(name)"
        if FileSystem.exists(destination) && !options.replaceExisting {
            throw CollapseError("already exists (use --force to replace it)", path: destination)
        }
        try FileSystem.createDirectory(root)
        let lock = try Corpus.lock(destination, exclusive: true, purpose: "import")
        defer { lock.release() }
        if FileSystem.exists(destination) && !options.replaceExisting {
            throw CollapseError("already exists (use --force to replace it)", path: destination)
        }
        try removeStaleWork(of: name, in: root)
        let staging = "\(root)/.\(name).importing-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory(staging)
        var committed = false
        defer { if !committed { try? FileSystem.remove(staging) } }

        var counts = TokenCounts()
        try scan(files[.train]!, options.tokenizer, stage: "count train", into: &counts)
        let vocabulary = try Vocabulary.build(
            from: counts, tokenizer: options.tokenizer,
            minimumCount: options.minimumCount, maximumSize: options.maximumVocabularySize)
        try vocabulary.save(to: "\(staging)/\(Corpus.vocabularyName)")

        let records = try Split.allCases.map { split in
            try importSplit(split, from: files[split]!, into: staging, vocabulary: vocabulary, trainingCounts: counts, options: options)
        }
        let manifest = CorpusManifest(
            format: CorpusManifest.currentFormat, name: name, source: source, tokenizer: options.tokenizer,
            blockSize: options.blockSize,
            vocabulary: .init(hash: vocabulary.hash.hexDigits, size: vocabulary.count,
                              minimumCount: options.minimumCount, maximumSize: options.maximumVocabularySize),
            splits: records, fraction: options.fraction == 1 ? nil : options.fraction, checksum: nil)
        try FileSystem.writeText(try manifest.encoded(), to: "\(staging)/\(Corpus.manifestName)")

        // Swap the finished directory in; the old one (if replacing) is removed only afterwards.
        let retired = "\(root)/.\(name).replaced-\(ProcessInfo.processInfo.processIdentifier)"
        if FileSystem.exists(destination) { try FileSystem.move(destination, to: retired) }
        try FileSystem.move(staging, to: destination)
        committed = true
        try FileSystem.remove(retired)
        return try Corpus(path: destination)
    }

    /// Encodes one split into `<staging>/<split>.blocks` and `.txt.zst`; the training split's
    /// figures come from the counts its vocabulary was built from.
    static func importSplit(_ split: Split, from file: SourceFile, into staging: String, vocabulary: Vocabulary,
                            trainingCounts: TokenCounts, options: ImportOptions) throws -> CorpusManifest.SplitRecord {
        let writer = try SplitWriter(basePath: "\(staging)/\(split.rawValue)", vocabulary: vocabulary, blockSize: options.blockSize)
        let encoder = BlockEncoder(vocabulary: vocabulary, blockSize: options.blockSize) { try writer.append($0) }
        let statistics: TextStatistics
        let encoded: BlockEncoder
        if split == .train {
            var sink = encoder
            try scan(file, options.tokenizer, stage: "encode train", into: &sink)
            encoded = sink
            statistics = trainingCounts.statistics(blockSize: options.blockSize)
        } else {
            var sink = TeeSink(TokenCounts(), encoder)
            try scan(file, options.tokenizer, stage: "encode \(split.rawValue)", into: &sink)
            encoded = sink.second
            statistics = sink.first.statistics(blockSize: options.blockSize)
        }
        guard encoded.blockCount > 0 else {
            throw CollapseError(encoded.tokenCount == 0
                ? "no tokens: the corpus is empty"
                : "corpus shorter than one block: \(encoded.tokenCount) tokens, blocks have \(options.blockSize)", path: file.path)
        }
        try writer.finish()
        let header = try BlockFileReader(path: "\(staging)/\(split.rawValue).blocks").header
        return .init(split: split, source: file.path, statistics: statistics,
                     unknownTokens: encoded.unknownCount, blocksChecksum: header.payloadChecksum.hexDigits)
    }

    /// Directories an import of `name` killed midway left behind. Only the holder of the
    /// corpus's lock calls this, so none of them belongs to a live import.
    static func removeStaleWork(of name: String, in root: String) throws {
        for entry in try FileSystem.contents(of: root)
        where entry.hasPrefix(".\(name).importing-") || entry.hasPrefix(".\(name).replaced-") {
            try FileSystem.remove("\(root)/\(entry)")
        }
    }

    /// A split's text file, whole or its first `lines` lines.
    struct SourceFile {
        var path: String
        var lines: Int?
    }

    /// The first `fraction` of a file's lines, rounded up.
    static func keptLines(of path: String, fraction: Double) throws -> Int {
        var file = try InputFile(path: path)
        return Int((Double(try LinePrefixSource.lineCount(of: &file)) * fraction).rounded(.up))
    }

    static func scan<Sink: TokenSink>(_ source: SourceFile, _ tokenizer: TokenizerKind, stage: String, into sink: inout Sink) throws {
        let file = try InputFile(path: source.path)
        let progress = ProgressReporter(stage: stage, total: file.size, unit: "B")
        var last = 0
        let input: any ByteSource = source.lines.map { LinePrefixSource(file, lines: $0) } ?? file
        try TextScanner.scan(input, tokenizer: try tokenizer.makeTokenizer(), into: &sink) { done in
            progress.advance(by: done - last)
            last = done
        }
        progress.finish()
    }
}
