import Foundation
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Storage

/// Receives the tokens of a text line by line.
public protocol TokenSink {
    /// One token; `bytes` is valid only during the call.
    mutating func token(_ bytes: UnsafeRawBufferPointer) throws
    /// The end of a line that had `tokenCount` tokens (0: a blank line).
    mutating func endLine(tokenCount: Int) throws
}

/// Drives a tokenizer over a whole source: reads it in chunks of whole lines, checks UTF-8
/// (reporting the file and byte offset of the first bad byte), tokenizes, and hands tokens and
/// line ends to a sink.
///
/// A line is what ends in `\n` (a final line without one still counts); `\r` is whitespace.
public enum TextScanner {
    /// O(n) in the size of the text; memory O(chunk size).
    /// - Parameter progress: called after each chunk with the bytes consumed so far.
    public static func scan<Sink: TokenSink>(
        _ source: any ByteSource,
        tokenizer: any Tokenizer,
        into sink: inout Sink,
        chunkSize: Int = 1 << 22,
        progress: ((Int) -> Void)? = nil
    ) throws {
        let path = source.path
        var reader = LineChunkReader(source: source, chunkSize: chunkSize)
        var ranges = TokenRanges()
        try reader.forEachChunk { chunk, offset in
            try scan(chunk, at: offset, path: path, tokenizer: tokenizer, ranges: &ranges, into: &sink)
            progress?(offset + chunk.count)
        }
    }

    /// `scan` with the chunks spread over `threads` threads, each with a tokenizer of its own
    /// of `kind`: every chunk fills a fresh sink from `makeSink`, and `take` receives the sinks
    /// in the text's order. Only for sinks whose lines do not depend on earlier lines.
    /// - Complexity: O(n) work divided among the threads; memory O(threads × chunk size).
    public static func scanInParallel<Sink: TokenSink>(
        _ source: any ByteSource, tokenizer kind: TokenizerKind, threads: Int, chunkSize: Int = 1 << 22,
        makeSink: () -> Sink, take: (Sink) throws -> Void
    ) throws {
        let path = source.path, width = max(1, threads)
        let tokenizers = try (0..<width).map { _ in try kind.makeTokenizer() }
        var batch: [(bytes: [UInt8], offset: Int)] = []
        func scanBatch() throws {
            nonisolated(unsafe) var outcomes = batch.map { _ in Result<Sink, Error>.success(makeSink()) }
            nonisolated(unsafe) let chunks = batch, workers = tokenizers
            outcomes.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
                    var ranges = TokenRanges()
                    slots[index] = Result {
                        var sink = try slots[index].get()
                        try chunks[index].bytes.withUnsafeBytes {
                            try scan($0, at: chunks[index].offset, path: path, tokenizer: workers[index], ranges: &ranges, into: &sink)
                        }
                        return sink
                    }
                }
            }
            for outcome in outcomes { try take(try outcome.get()) }
            batch.removeAll()
        }
        var reader = LineChunkReader(source: source, chunkSize: chunkSize)
        try reader.forEachChunk { chunk, offset in
            batch.append((Array(chunk), offset))
            if batch.count == width { try scanBatch() }
        }
        if !batch.isEmpty { try scanBatch() }
    }

    /// One chunk of whole lines at byte `offset` of the text: checked, tokenized, delivered.
    private static func scan<Sink: TokenSink>(_ chunk: UnsafeRawBufferPointer, at offset: Int, path: String, tokenizer: any Tokenizer,
                                              ranges: inout TokenRanges, into sink: inout Sink) throws {
        if let bad = UTF8Validation.firstInvalidOffset(in: chunk) {
            throw CollapseError("not valid UTF-8 at byte offset \(offset + bad)", path: path)
        }
        ranges.removeAll()
        do {
            try tokenizer.appendTokens(of: chunk, to: &ranges)
        } catch let error as CollapseError {
            throw error.attributed(to: path)
        }
        try deliver(chunk, ranges, to: &sink)
    }

    /// Scans a string (tests, small inputs).
    public static func scan<Sink: TokenSink>(_ text: String, tokenizer: any Tokenizer, into sink: inout Sink) throws {
        var text = text
        try text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            var ranges = TokenRanges()
            try tokenizer.appendTokens(of: bytes, to: &ranges)
            try deliver(bytes, ranges, to: &sink)
        }
    }

    private static func deliver<Sink: TokenSink>(
        _ chunk: UnsafeRawBufferPointer, _ ranges: TokenRanges, to sink: inout Sink
    ) throws {
        guard let base = chunk.baseAddress else { return }
        var next = 0
        var lineStart = 0
        try ranges.starts.withUnsafeBufferPointer { starts in
            try ranges.ends.withUnsafeBufferPointer { ends in
                while lineStart < chunk.count {
                    let lineEnd = memchr(base + lineStart, 0x0A, chunk.count - lineStart)
                        .map { base.distance(to: UnsafeRawPointer($0)) } ?? chunk.count
                    var tokenCount = 0
                    while next < starts.count && Int(starts[next]) < lineEnd {
                        try sink.token(UnsafeRawBufferPointer(rebasing: chunk[Int(starts[next])..<Int(ends[next])]))
                        next += 1
                        tokenCount += 1
                    }
                    try sink.endLine(tokenCount: tokenCount)
                    lineStart = lineEnd + 1
                }
            }
        }
    }
}

/// Counts lines and token types: the first pass of vocabulary building and corpus statistics.
public struct TokenCounts: TokenSink, Sendable {
    /// Distinct tokens in order of first appearance.
    public private(set) var table = TokenTable(minimumCapacity: 1 << 15)
    /// `counts[i]`: occurrences of `table.key(i)`.
    public private(set) var counts: [Int] = []
    public private(set) var lines = 0
    public private(set) var nonBlankLines = 0
    /// Tokens, not counting line ends.
    public private(set) var words = 0

    public init() {}

    public mutating func token(_ bytes: UnsafeRawBufferPointer) {
        let (index, inserted) = table.insert(bytes)
        if inserted { counts.append(1) } else { counts[index] += 1 }
        words += 1
    }

    public mutating func endLine(tokenCount: Int) {
        lines += 1
        if tokenCount > 0 { nonBlankLines += 1 }
    }

    /// The counts of a whole text: its chunks counted on `threads` threads, then merged in the
    /// text's order (so the table's order of first appearance is the same as one scan's).
    /// - Complexity: O(text size), divided among the threads, plus O(types) per chunk to merge.
    public static func counting(_ source: any ByteSource, tokenizer kind: TokenizerKind,
                                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> TokenCounts {
        var total = TokenCounts()
        try TextScanner.scanInParallel(source, tokenizer: kind, threads: threads, makeSink: { TokenCounts() }) { total.merge($0) }
        return total
    }

    /// Adds the counts of a text that follows this one.
    public mutating func merge(_ other: TokenCounts) {
        for index in 0..<other.counts.count {
            let (mine, inserted) = other.table.key(index).withUnsafeBytes { table.insert($0) }
            if inserted { counts.append(other.counts[index]) } else { counts[mine] += other.counts[index] }
        }
        lines += other.lines
        nonBlankLines += other.nonBlankLines
        words += other.words
    }

    /// Counts of the token stream: every token plus one `<eos>` per non-blank line, merged
    /// with a literal `<eos>` if the text has one.
    public func streamCounts() -> (table: TokenTable, counts: [Int]) {
        var table = self.table
        var counts = self.counts
        guard nonBlankLines > 0 else { return (table, counts) }
        let (index, inserted) = table.insert(SpecialToken.endOfLine.text)
        if inserted { counts.append(nonBlankLines) } else { counts[index] += nonBlankLines }
        return (table, counts)
    }

    /// Summary figures of the token stream for blocks of `blockSize`.
    public func statistics(blockSize: Int) -> TextStatistics {
        let counts = streamCounts().counts
        return TextStatistics(
            lines: lines, nonBlankLines: nonBlankLines, words: words,
            tokens: words + nonBlankLines, blocks: blockSize > 0 ? (words + nonBlankLines) / blockSize : 0,
            types: counts.count,
            typesSeenOnce: counts.count { $0 == 1 },
            typesSeenTwoToTen: counts.count { $0 >= 2 && $0 <= 10 },
            typesSeenMoreThanTen: counts.count { $0 > 10 })
    }
}

/// Figures of a text as a token stream: the lines it came from, the stream of tokens
/// with one `<eos>` per non-blank line, and how often its types occur.
public struct TextStatistics: Sendable, Codable, Equatable {
    public var lines: Int
    public var nonBlankLines: Int
    /// Tokens of the text itself, without `<eos>`.
    public var words: Int
    /// Stream length: words plus one `<eos>` per non-blank line.
    public var tokens: Int
    /// Whole blocks the stream makes (the remainder is dropped).
    public var blocks: Int
    /// Distinct tokens in the stream, `<eos>` included.
    public var types: Int
    public var typesSeenOnce: Int
    public var typesSeenTwoToTen: Int
    public var typesSeenMoreThanTen: Int

    public init(lines: Int, nonBlankLines: Int, words: Int, tokens: Int, blocks: Int, types: Int,
                typesSeenOnce: Int, typesSeenTwoToTen: Int, typesSeenMoreThanTen: Int) {
        self.lines = lines
        self.nonBlankLines = nonBlankLines
        self.words = words
        self.tokens = tokens
        self.blocks = blocks
        self.types = types
        self.typesSeenOnce = typesSeenOnce
        self.typesSeenTwoToTen = typesSeenTwoToTen
        self.typesSeenMoreThanTen = typesSeenMoreThanTen
    }
}
