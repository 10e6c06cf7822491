import Foundation
import Storage
import Tokenization

/// Training sequences as one flat array of word ids with boundaries. Each sequence is scored and
/// counted as `<s> w1 … wn </s>`; `<s>` and `</s>` are added by the model, not stored here.
public struct TrainingSequences: Sendable {
    public private(set) var tokens: [Int32] = []
    /// `ends[i]`: one past the last token of sequence i.
    public private(set) var ends: [Int] = []

    public init() {}

    public mutating func append<C: Collection>(_ sequence: C) where C.Element == Int32 {
        tokens.append(contentsOf: sequence)
        ends.append(tokens.count)
    }

    public var count: Int { ends.count }

    public func forEach(_ body: (ArraySlice<Int32>) throws -> Void) rethrows {
        var start = 0
        for end in ends {
            try body(tokens[start..<end])
            start = end
        }
    }
}


extension TrainingSequences {
    /// The sequences of a text in a mode: each non-blank line (sentence mode), or the blocks of
    /// the `<eos>`-separated token stream (block mode, remainder dropped).
    ///
    /// - Parameter unknownID: the id for tokens outside the vocabulary. Scoring passes an id
    ///   the model does not know (so they score as the unknown word, as in KenLM); corpora map
    ///   them to `<unk>`.
    public static func read(_ source: any ByteSource, tokenizer: any Tokenizer, vocabulary: Vocabulary,
                            mode: SequenceMode, blockSize: Int = 64, unknownID: Int32) throws -> TrainingSequences {
        switch mode {
        case .sentence:
            var collector = SentenceCollector(vocabulary: vocabulary, unknownID: unknownID)
            try TextScanner.scan(source, tokenizer: tokenizer, into: &collector)
            return collector.sequences
        case .block:
            var sequences = TrainingSequences()
            try forEachBlockPart(of: source, tokenizer: tokenizer, vocabulary: vocabulary, blockSize: blockSize, unknownID: unknownID,
                                 tokensPerPart: .max) { sequences = $0 }
            return sequences
        }
    }

    /// The blocks of a text about `tokensPerPart` tokens at a time, in order (a block runs
    /// across lines, so they are encoded in order).
    static func forEachBlockPart(of source: any ByteSource, tokenizer: any Tokenizer, vocabulary: Vocabulary, blockSize: Int,
                                 unknownID: Int32, tokensPerPart: Int, _ body: (TrainingSequences) throws -> Void) throws {
        var part = TrainingSequences()
        try withoutActuallyEscaping(body) { body in
            var encoder = BlockEncoder(vocabulary: vocabulary, blockSize: blockSize, unknownID: unknownID) {
                part.append($0)
                if part.tokens.count >= tokensPerPart {
                    try body(part)
                    part = TrainingSequences()
                }
            }
            try TextScanner.scan(source, tokenizer: tokenizer, into: &encoder)
            if part.count > 0 { try body(part) }
        }
    }
}

extension TrainingSequences {
    /// `read` with a tokenizer of `kind`; in sentence mode the text's chunks are tokenized on
    /// `threads` threads (block mode reads in order: a block runs across lines).
    /// - Complexity: O(text size), divided among the threads in sentence mode.
    public static func read(_ source: any ByteSource, tokenizer kind: TokenizerKind, vocabulary: Vocabulary, mode: SequenceMode,
                            blockSize: Int = 64, unknownID: Int32,
                            threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> TrainingSequences {
        var sequences = TrainingSequences()
        try forEachPart(of: source, tokenizer: kind, vocabulary: vocabulary, mode: mode, blockSize: blockSize, unknownID: unknownID,
                        threads: threads) { sequences.append(contentsOf: $0) }
        return sequences
    }

    /// The sequences of a text a part at a time, in order, so that a caller that consumes them
    /// (scoring) never holds the whole text's: a chunk of lines in sentence mode (tokenized on
    /// `threads` threads), about `tokensPerPart` tokens of blocks in block mode.
    /// - Complexity: O(text size); memory O(threads × chunk + part).
    public static func forEachPart(of source: any ByteSource, tokenizer kind: TokenizerKind, vocabulary: Vocabulary, mode: SequenceMode,
                                   blockSize: Int = 64, unknownID: Int32, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                   tokensPerPart: Int = 1 << 20, _ body: (TrainingSequences) throws -> Void) throws {
        switch mode {
        case .sentence:
            try TextScanner.scanInParallel(source, tokenizer: kind, threads: threads,
                                           makeSink: { SentenceCollector(vocabulary: vocabulary, unknownID: unknownID) }) {
                try body($0.sequences)
            }
        case .block:
            try forEachBlockPart(of: source, tokenizer: try kind.makeTokenizer(), vocabulary: vocabulary, blockSize: blockSize,
                                 unknownID: unknownID, tokensPerPart: tokensPerPart, body)
        }
    }

    /// Appends `other`'s sequences after these.
    public mutating func append(contentsOf other: TrainingSequences) {
        let base = tokens.count
        tokens.append(contentsOf: other.tokens)
        ends.append(contentsOf: other.ends.lazy.map { $0 + base })
    }
}

/// Collects each non-blank line's ids as one sequence.
struct SentenceCollector: TokenSink {
    let vocabulary: Vocabulary
    let unknownID: Int32
    var sequences = TrainingSequences()
    private var line: [Int32] = []

    init(vocabulary: Vocabulary, unknownID: Int32) {
        self.vocabulary = vocabulary
        self.unknownID = unknownID
    }

    mutating func token(_ bytes: UnsafeRawBufferPointer) {
        line.append(vocabulary.lookup(bytes) ?? unknownID)
    }

    mutating func endLine(tokenCount: Int) {
        if tokenCount > 0 { sequences.append(line) }
        line.removeAll(keepingCapacity: true)
    }
}


extension TrainingSequences {
    /// Each block as a sequence.
    public init(_ blocks: Blocks) {
        self.init()
        tokens = blocks.ids
        ends = (0..<blocks.count).map { ($0 + 1) * blocks.length }
    }
}

extension TrainingSequences {
    /// Sequence `index`.
    public subscript(index: Int) -> ArraySlice<Int32> {
        tokens[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    /// The first `count` sequences (all of them when there are fewer).
    public func prefix(_ count: Int) -> TrainingSequences {
        sequences(in: 0..<min(count, self.count))
    }

    /// The sequences at `range` (a shard's share), in order.
    /// - Complexity: O(tokens in the range).
    public func sequences(in range: Range<Int>) -> TrainingSequences {
        var result = TrainingSequences()
        for index in range { result.append(self[index]) }
        return result
    }
}
