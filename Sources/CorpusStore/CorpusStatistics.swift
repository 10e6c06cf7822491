import Foundation
import Reporting
import Storage
import Tokenization

/// `collapse corpus stats`: figures for a corpus directory, a block file, or a text file.
public struct StatisticsReport: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var name: String
        public var statistics: TextStatistics
        /// For splits of an imported corpus: tokens outside the vocabulary.
        public var unknownTokens: Int?
    }

    /// What was measured, e.g. "corpus wikitext-2 (whitespace tokens, blocks of 64)".
    public var subject: String
    public var rows: [Row]

    /// Figures for `path`:
    /// - a corpus directory: each split as recorded at import, after verifying every block file;
    /// - a `.blocks` file: computed from its ids (lines = `<eos>` tokens; blank lines are unknown);
    /// - any other file: tokenized with `tokenizer` (`.zst` text is decompressed).
    public static func measure(_ path: String, tokenizer: TokenizerKind, blockSize: Int) throws -> StatisticsReport {
        if FileSystem.isDirectory(path) {
            let corpus = try Corpus(path: path)
            var rows: [Row] = []
            for record in corpus.manifest.splits {
                let reader = try corpus.blocks(record.split)
                try reader.verify()
                guard reader.header.payloadChecksum.hexDigits == record.blocksChecksum else {
                    throw CollapseError("is not the block file the manifest records (checksum \(reader.header.payloadChecksum.hexDigits), expected \(record.blocksChecksum))", path: reader.path)
                }
                guard reader.blockCount == record.statistics.blocks else {
                    throw CollapseError("holds \(reader.blockCount) blocks but the manifest records \(record.statistics.blocks)", path: reader.path)
                }
                rows.append(Row(name: record.split.rawValue, statistics: record.statistics, unknownTokens: record.unknownTokens))
            }
            let manifest = corpus.manifest
            return StatisticsReport(
                subject: "corpus \(manifest.name) (\(manifest.tokenizer.rawValue) tokens, blocks of \(manifest.blockSize), vocabulary \(manifest.vocabulary.size) ids, hash \(manifest.vocabulary.hash))",
                rows: rows)
        }
        if path.hasSuffix(".blocks") {
            let reader = try BlockFileReader(path: path)
            var counts = [Int](repeating: 0, count: reader.header.vocabularySize)
            try reader.forEachBlock { block in
                for id in block { counts[Int(id)] += 1 }
            }
            let tokens = reader.blockCount * reader.blockSize
            let lineEnds = counts.count > Int(SpecialToken.endOfLine.id) ? counts[Int(SpecialToken.endOfLine.id)] : 0
            let seen = counts.filter { $0 > 0 }
            let statistics = TextStatistics(
                lines: lineEnds, nonBlankLines: lineEnds, words: tokens - lineEnds, tokens: tokens,
                blocks: reader.blockCount, types: seen.count,
                typesSeenOnce: seen.count { $0 == 1 }, typesSeenTwoToTen: seen.count { $0 >= 2 && $0 <= 10 },
                typesSeenMoreThanTen: seen.count { $0 > 10 })
            return StatisticsReport(subject: "block file \(path) (blocks of \(reader.blockSize))",
                                    rows: [Row(name: FileSystem.lastComponent(of: path), statistics: statistics)])
        }
        var counts = TokenCounts()
        try TextScanner.scan(try Zstd.openReading(path: path), tokenizer: try tokenizer.makeTokenizer(), into: &counts)
        return StatisticsReport(subject: "text \(path) (\(tokenizer.rawValue) tokens, blocks of \(blockSize))",
                                rows: [Row(name: FileSystem.lastComponent(of: path), statistics: counts.statistics(blockSize: blockSize))])
    }

    /// A table for people.
    public func rendered() -> String {
        var table = TextTable(header: ["split", "lines", "non-blank", "words", "tokens", "blocks", "types",
                                       "seen 1", "seen 2-10", "seen >10", "unknown"])
        for row in rows {
            let s = row.statistics
            table.append([row.name] + [s.lines, s.nonBlankLines, s.words, s.tokens, s.blocks, s.types,
                                       s.typesSeenOnce, s.typesSeenTwoToTen, s.typesSeenMoreThanTen].map(Format.grouped)
                         + [row.unknownTokens.map(Format.grouped) ?? "-"])
        }
        return subject + "\n" + table.render()
    }

    public func json() throws -> String {
        try prettyJSON(self)
    }
}
