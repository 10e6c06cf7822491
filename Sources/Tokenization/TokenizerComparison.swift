import Storage

/// How ICU tokenization differs from whitespace tokenization on a text.
///
/// ICU never joins across whitespace, so each difference is one whitespace token that ICU splits
/// into several tokens, or drops (a token that starts with a combining mark or a format character
/// such as a BOM, which ICU attaches to the preceding space). Differences are grouped by *shape*: letters become `a`, digits `9`
/// (runs collapsed), other characters stay, and ICU's pieces are separated by spaces — so
/// `U.S.` → `U.S` `.` has shape `a.a .`.
public struct TokenizerComparison: Sendable {
    public struct Kind: Sendable {
        public var shape: String
        public var count: Int
        /// Up to five distinct whitespace tokens of this shape, most frequent first.
        public var examples: [String]
    }

    public private(set) var whitespaceTokens = 0
    public private(set) var icuTokens = 0
    /// Whitespace tokens that ICU leaves exactly as they are.
    public private(set) var identical = 0
    /// Kinds of difference, most frequent first.
    public private(set) var kinds: [Kind] = []

    /// Compares the two tokenizers on a whole source. O(n).
    public static func compare(_ source: any ByteSource) throws -> TokenizerComparison {
        var comparison = TokenizerComparison()
        var byShape: [String: (count: Int, examples: [String: Int])] = [:]
        let icu = try ICUTokenizer()
        let whitespace = WhitespaceTokenizer()
        var reader = LineChunkReader(source: source)
        var icuRanges = TokenRanges()
        var whitespaceRanges = TokenRanges()
        let path = source.path
        try reader.forEachChunk { chunk, offset in
            if let bad = UTF8Validation.firstInvalidOffset(in: chunk) {
                throw CollapseError("not valid UTF-8 at byte offset \(offset + bad)", path: path)
            }
            icuRanges.removeAll()
            whitespaceRanges.removeAll()
            try icu.appendTokens(of: chunk, to: &icuRanges)
            try whitespace.appendTokens(of: chunk, to: &whitespaceRanges)
            comparison.whitespaceTokens += whitespaceRanges.count
            comparison.icuTokens += icuRanges.count
            var next = 0
            for index in 0..<whitespaceRanges.count {
                let (start, end) = (whitespaceRanges.starts[index], whitespaceRanges.ends[index])
                var pieces: [String] = []
                while next < icuRanges.count && icuRanges.starts[next] < end {
                    if icuRanges.starts[next] >= start {
                        pieces.append(String(decoding: chunk[Int(icuRanges.starts[next])..<Int(icuRanges.ends[next])], as: UTF8.self))
                    }
                    next += 1
                }
                let word = String(decoding: chunk[Int(start)..<Int(end)], as: UTF8.self)
                if pieces == [word] {
                    comparison.identical += 1
                    continue
                }
                let shape = pieces.isEmpty ? "(dropped: attaches to the preceding space)" : pieces.map(Self.shape).joined(separator: " ")
                byShape[shape, default: (0, [:])].count += 1
                byShape[shape]!.examples[word, default: 0] += 1
            }
        }
        comparison.kinds = byShape.map { shape, entry in
            Kind(shape: shape, count: entry.count,
                 examples: entry.examples.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5).map(\.key))
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.shape < $1.shape }
        return comparison
    }

    static func shape(_ text: String) -> String {
        var shape = ""
        for character in text {
            let symbol: Character = character.isLetter ? "a" : character.isNumber ? "9" : character
            if (symbol == "a" || symbol == "9") && shape.last == symbol { continue }
            shape.append(symbol)
        }
        return shape
    }
}
