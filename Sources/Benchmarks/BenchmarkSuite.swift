import CorpusStore
import Foundation
import Reporting
import Storage
import Tokenization

/// Stage throughputs on WikiText-2's training split, single-threaded, best of `repeats`.
///
/// Inputs are read into memory first, so figures measure computation, not the disk.
public struct BenchmarkSuite {
    public let wikiTextDirectory: String
    public let repeats: Int
    /// The `collapse` binary, for measurements that need a process of their own (peak memory).
    public let executable: String?
    /// KenLM's binaries (`lmplz`, `build_binary`, `query`), to measure beside ours.
    public let kenlmDirectory: String?

    public init(wikiTextDirectory: String, repeats: Int, executable: String? = nil, kenlmDirectory: String? = nil) throws {
        guard repeats >= 1 else { throw CollapseError("repeats must be at least 1") }
        guard kenlmDirectory == nil || executable != nil else { throw CollapseError("measuring beside KenLM needs the collapse binary") }
        self.wikiTextDirectory = wikiTextDirectory
        self.repeats = repeats
        self.executable = executable
        self.kenlmDirectory = kenlmDirectory
    }

    /// `$WIKITEXT2_DIR` (required when no directory is given).
    public static func defaultWikiTextDirectory() throws -> String {
        guard let directory = ProcessInfo.processInfo.environment["WIKITEXT2_DIR"], !directory.isEmpty else {
            throw CollapseError("set WIKITEXT2_DIR or pass --wikitext DIR (the WikiText-2 directory)")
        }
        return directory
    }

    public func run() throws -> BenchmarkResults {
        let files = try WikiTextLayout.locate(in: wikiTextDirectory)
        let trainPath = files[.train]!
        let text = try InputFile(path: trainPath).readAll()
        let megabytes = Double(text.count) / 1e6
        var results: [Measurement] = []

        for kind in TokenizerKind.allCases {
            let tokenizer = try kind.makeTokenizer()
            // Segmentation alone: validate, segment, assign tokens to lines.
            var tokens = 0
            let scanTime = try best {
                var sink = TokenTally()
                try TextScanner.scan(MemorySource(text, path: trainPath), tokenizer: tokenizer, into: &sink)
                tokens = sink.tokens
            }
            results.append(Measurement(stage: "tokenize \(kind.rawValue)", metric: "throughput", value: megabytes / scanTime, unit: "MB/s"))
            results.append(Measurement(stage: "tokenize \(kind.rawValue)", metric: "tokens", value: Double(tokens) / scanTime / 1e6, unit: "M tokens/s"))

            var counts = TokenCounts()
            var vocabulary: Vocabulary?
            let vocabularyTime = try best {
                counts = TokenCounts()
                try TextScanner.scan(MemorySource(text, path: trainPath), tokenizer: tokenizer, into: &counts)
                vocabulary = try Vocabulary.build(from: counts, tokenizer: kind)
            }
            results.append(Measurement(stage: "vocabulary \(kind.rawValue)", metric: "build (tokenize + count + sort)", value: vocabularyTime * 1e3, unit: "ms"))
            guard let vocabulary else { continue }

            var ids: [Int32] = []
            let encodeTime = try best {
                ids.removeAll(keepingCapacity: true)
                var encoder = BlockEncoder(vocabulary: vocabulary, blockSize: 64) { ids.append(contentsOf: $0) }
                try TextScanner.scan(MemorySource(text, path: trainPath), tokenizer: tokenizer, into: &encoder)
            }
            results.append(Measurement(stage: "encode \(kind.rawValue)", metric: "text to block ids", value: megabytes / encodeTime, unit: "MB/s"))

            if kind == .icu {
                results += try measureStore(ids: ids, vocabulary: vocabulary)
            }
        }
        results += try measureNGram(trainPath: trainPath, testPath: files[.test]!, executable: executable)
        if let kenlmDirectory, let executable {
            results += try KenLMComparison(kenlmDirectory: kenlmDirectory, executable: executable, trainPath: trainPath,
                                           testPath: files[.test]!, repeats: repeats).measure()
        }
        return BenchmarkResults(
            date: ISO8601DateFormatter().string(from: Date()), corpus: trainPath,
            icuVersion: ICUTokenizer.icuVersion, zstdVersion: Zstd.version, repeats: repeats, measurements: results)
    }

    private func measureStore(ids: [Int32], vocabulary: Vocabulary) throws -> [Measurement] {
        let directory = "\(NSTemporaryDirectory())collapse-bench-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory(directory)
        defer { try? FileSystem.remove(directory) }
        let blockSize = 64
        let blockCount = ids.count / blockSize
        let rawBytes = Double(blockCount * blockSize * BlockFileHeader.idWidth(forVocabularySize: vocabulary.count))
        let path = "\(directory)/train.blocks"
        let writeTime = try best {
            let writer = try BlockFileWriter(path: path, vocabulary: vocabulary, blockSize: blockSize)
            try ids.withUnsafeBufferPointer { all in
                for block in 0..<blockCount {
                    try writer.append(UnsafeBufferPointer(rebasing: all[(block * blockSize)..<((block + 1) * blockSize)]))
                }
            }
            try writer.finish()
        }
        var sum = 0
        let readTime = try best {
            sum = 0
            try BlockFileReader(path: path, vocabulary: vocabulary).forEachBlock { sum += Int($0[0]) }
        }
        let stored = Double(try InputFile(path: path).size)
        let textPath = "\(directory)/train"
        let splitWriter = try SplitWriter(basePath: textPath, vocabulary: vocabulary, blockSize: blockSize)
        var textBytes = 0
        try ids.withUnsafeBufferPointer { all in
            for block in 0..<blockCount {
                let slice = UnsafeBufferPointer(rebasing: all[(block * blockSize)..<((block + 1) * blockSize)])
                textBytes += vocabulary.text(of: slice).utf8.count + 1
                try splitWriter.append(slice)
            }
        }
        try splitWriter.finish()
        let textStored = Double(try InputFile(path: textPath + ".txt.zst").size)
        return [
            Measurement(stage: "corpus store", metric: "write blocks (ids, uncompressed)", value: rawBytes / 1e6 / writeTime, unit: "MB/s"),
            Measurement(stage: "corpus store", metric: "read + verify blocks", value: rawBytes / 1e6 / readTime, unit: "MB/s"),
            Measurement(stage: "corpus store", metric: "zstd ratio, ids", value: rawBytes / stored, unit: "x"),
            Measurement(stage: "corpus store", metric: "zstd ratio, text", value: Double(textBytes) / textStored, unit: "x"),
        ]
    }

    /// Best time of `repeats` runs, in seconds, on `clock` (wall time unless told otherwise).
    func best(clock: () -> Double = monotonicSeconds, _ body: () throws -> Void) throws -> Double {
        var fastest = Double.infinity
        for _ in 0..<repeats {
            let start = clock()
            try body()
            fastest = min(fastest, clock() - start)
        }
        return fastest
    }
}

/// Counts tokens and nothing else, so scanning is measured without a consumer's cost.
private struct TokenTally: TokenSink {
    var tokens = 0
    mutating func token(_ bytes: UnsafeRawBufferPointer) { tokens += 1 }
    mutating func endLine(tokenCount: Int) {}
}
