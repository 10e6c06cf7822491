/// Splits on Unicode White_Space (the same set as ICU's `u_isUWhiteSpace` and Python's
/// `str.split()`), for text that is already tokenized. A byte scan: hundreds of MB/s.
public struct WhitespaceTokenizer: Tokenizer {
    public init() {}

    public var kind: TokenizerKind { .whitespace }

    public func appendTokens(of text: UnsafeRawBufferPointer, to ranges: inout TokenRanges) throws {
        guard let base = text.baseAddress else { return }
        let count = text.count
        var i = 0
        var tokenStart = -1
        while i < count {
            let width = whitespaceWidth(base, i, count)
            if width > 0 {
                if tokenStart >= 0 {
                    ranges.append(Int32(tokenStart), Int32(i))
                    tokenStart = -1
                }
                i += width
            } else {
                if tokenStart < 0 { tokenStart = i }
                i += 1
            }
        }
        if tokenStart >= 0 { ranges.append(Int32(tokenStart), Int32(count)) }
    }
}

/// The byte length of the White_Space code point at `i`, or 0 if there is none there.
/// Continuation bytes are never mistaken for a lead byte, so scanning byte by byte is safe.
@inline(__always)
func whitespaceWidth(_ base: UnsafeRawPointer, _ i: Int, _ count: Int) -> Int {
    let byte = base.load(fromByteOffset: i, as: UInt8.self)
    if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) ? 1 : 0 }
    @inline(__always) func at(_ k: Int) -> UInt8 {
        i + k < count ? base.load(fromByteOffset: i + k, as: UInt8.self) : 0
    }
    switch byte {
    case 0xC2: // U+0085, U+00A0
        let b1 = at(1)
        return b1 == 0x85 || b1 == 0xA0 ? 2 : 0
    case 0xE1: // U+1680
        return at(1) == 0x9A && at(2) == 0x80 ? 3 : 0
    case 0xE2: // U+2000–200A, U+2028, U+2029, U+202F, U+205F
        let (b1, b2) = (at(1), at(2))
        if b1 == 0x80 && (b2 <= 0x8A && b2 >= 0x80 || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF) { return 3 }
        return b1 == 0x81 && b2 == 0x9F ? 3 : 0
    case 0xE3: // U+3000
        return at(1) == 0x80 && at(2) == 0x80 ? 3 : 0
    default:
        return 0
    }
}
