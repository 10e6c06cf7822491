import Storage

/// Which tokenizer turns text into tokens. Stored with vocabularies and models, so text is
/// always tokenized the way the model saw it.
public enum TokenizerKind: String, CaseIterable, Sendable, Codable {
    /// ICU word boundaries; punctuation kept, whitespace dropped, `<…>` markup and WikiText's
    /// `@-@`/`@,@`/`@.@` kept whole.
    case icu
    /// Splits on Unicode whitespace only, for pre-tokenized text such as WikiText.
    case whitespace

    /// A new tokenizer of this kind. Tokenizers keep per-instance state: one per thread.
    public func makeTokenizer() throws -> any Tokenizer {
        switch self {
        case .icu: try ICUTokenizer()
        case .whitespace: WhitespaceTokenizer()
        }
    }
}

/// Byte ranges of tokens within a piece of text, as two parallel arrays (offsets fit in 32 bits
/// because text is handed over in chunks of whole lines).
public struct TokenRanges: Sendable {
    public var starts: [Int32] = []
    public var ends: [Int32] = []

    public init() {}

    public var count: Int { starts.count }

    public mutating func removeAll() {
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func append(_ start: Int32, _ end: Int32) {
        starts.append(start)
        ends.append(end)
    }
}

/// Splits text into tokens.
///
/// Tokens never span a line break and never contain whitespace, so callers can hand over any
/// run of whole lines and assign tokens to lines by offset.
public protocol Tokenizer {
    var kind: TokenizerKind { get }
    /// Appends the byte ranges of the tokens of `text` (valid UTF-8) to `ranges`. O(n).
    func appendTokens(of text: UnsafeRawBufferPointer, to ranges: inout TokenRanges) throws
}

extension Tokenizer {
    /// The tokens of a string, for tests, display and small inputs.
    public func tokens(of text: String) throws -> [String] {
        var text = text
        return try text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            var ranges = TokenRanges()
            try appendTokens(of: bytes, to: &ranges)
            return (0..<ranges.count).map { index in
                String(decoding: bytes[Int(ranges.starts[index])..<Int(ranges.ends[index])], as: UTF8.self)
            }
        }
    }
}
