/// Turns tokens into the block stream: each non-blank line's ids followed by
/// `<eos>`, concatenated and cut into blocks of `blockSize` (the remainder is dropped).
public struct BlockEncoder: TokenSink {
    public let vocabulary: Vocabulary
    public let blockSize: Int
    /// The id of tokens outside the vocabulary.
    public let unknownID: Int32
    private var pending: [Int32] = []
    private let emit: (UnsafeBufferPointer<Int32>) throws -> Void
    /// Stream tokens so far (with `<eos>`).
    public private(set) var tokenCount = 0
    /// Tokens that mapped to `<unk>` without being a literal `<unk>`.
    public private(set) var unknownCount = 0
    public private(set) var blockCount = 0

    /// - Parameters:
    ///   - unknownID: the id for tokens outside the vocabulary: `<unk>` for corpora; scoring
    ///     passes an id the model has never seen, so they score as its unknown word.
    ///   - emit: receives each full block; the buffer is valid only during the call.
    public init(vocabulary: Vocabulary, blockSize: Int, unknownID: Int32 = SpecialToken.unknown.id,
                emit: @escaping (UnsafeBufferPointer<Int32>) throws -> Void) {
        precondition(blockSize >= 1)
        self.vocabulary = vocabulary
        self.blockSize = blockSize
        self.unknownID = unknownID
        self.emit = emit
        pending.reserveCapacity(blockSize)
    }

    /// Tokens left over after the last full block.
    public var remainder: Int { pending.count }

    public mutating func token(_ bytes: UnsafeRawBufferPointer) throws {
        guard let id = vocabulary.lookup(bytes) else {
            unknownCount += 1
            try append(unknownID)
            return
        }
        try append(id)
    }

    public mutating func endLine(tokenCount: Int) throws {
        if tokenCount > 0 { try append(SpecialToken.endOfLine.id) }
    }

    @inline(__always)
    private mutating func append(_ id: Int32) throws {
        pending.append(id)
        tokenCount += 1
        if pending.count == blockSize {
            try pending.withUnsafeBufferPointer { try emit($0) }
            pending.removeAll(keepingCapacity: true)
            blockCount += 1
        }
    }
}

/// Feeds one token stream to two sinks, so one pass over a text can count and encode.
public struct TeeSink<First: TokenSink, Second: TokenSink>: TokenSink {
    public var first: First
    public var second: Second

    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    public mutating func token(_ bytes: UnsafeRawBufferPointer) throws {
        try first.token(bytes)
        try second.token(bytes)
    }

    public mutating func endLine(tokenCount: Int) throws {
        try first.endLine(tokenCount: tokenCount)
        try second.endLine(tokenCount: tokenCount)
    }
}
