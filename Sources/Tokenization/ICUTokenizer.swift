import CICUWords
import Storage

/// ICU word boundaries (UAX #29 as implemented by the system's ICU, root locale).
///
/// Whitespace segments are dropped; every other segment, punctuation included, is a token.
/// Two kinds of token that ICU would split are kept whole: markup-like `<…>` (`<unk>`, `</s>`)
/// and WikiText's joiners `@-@`, `@,@`, `@.@`.
public final class ICUTokenizer: Tokenizer {
    private let segmenter: OpaquePointer
    private var starts = [Int32](repeating: 0, count: 4096)
    private var ends = [Int32](repeating: 0, count: 4096)

    public init() throws {
        var error: Int32 = 0
        // Opened on empty text; each call re-points it without reallocating the iterator.
        guard let segmenter = cicu_words_open("", 0, &error) else {
            throw CollapseError("ICU word break iterator could not be opened (ICU error \(error))")
        }
        self.segmenter = segmenter
    }

    deinit { cicu_words_close(segmenter) }

    public var kind: TokenizerKind { .icu }

    /// The ICU library's version, e.g. "72.1".
    public static var icuVersion: String { String(cString: cicu_version()) }

    public func appendTokens(of text: UnsafeRawBufferPointer, to ranges: inout TokenRanges) throws {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        guard text.count < Int(Int32.max) else {
            throw CollapseError("a run of text without line breaks is longer than 2 GB")
        }
        let status = cicu_words_reset(segmenter, base.assumingMemoryBound(to: CChar.self), Int64(text.count))
        guard status == 0 else { throw CollapseError("ICU could not segment the text (ICU error \(status))") }
        let first = ranges.count
        while true {
            let count = starts.withUnsafeMutableBufferPointer { s in
                ends.withUnsafeMutableBufferPointer { e in
                    cicu_words_next(segmenter, s.baseAddress, e.baseAddress, Int32(s.count))
                }
            }
            if count == 0 { break }
            ranges.starts.append(contentsOf: starts[..<Int(count)])
            ranges.ends.append(contentsOf: ends[..<Int(count)])
        }
        ProtectedTokens.merge(text, &ranges, from: first)
    }
}

/// Tokens that must survive word segmentation whole.
enum ProtectedTokens {
    /// Longest `<…>` body accepted as markup.
    static let maximumMarkupLength = 32

    /// Rewrites `ranges[from...]` so that each protected token is one range. O(n), in place.
    static func merge(_ text: UnsafeRawBufferPointer, _ ranges: inout TokenRanges, from first: Int) {
        let count = ranges.count
        var write = first
        var read = first
        while read < count {
            let start = Int(ranges.starts[read])
            let byte = text[start]
            let protectedEnd: Int? = switch byte {
            case UInt8(ascii: "<"): markupEnd(text, start)
            case UInt8(ascii: "@"): joinerEnd(text, start)
            default: nil
            }
            guard let end = protectedEnd else {
                ranges.starts[write] = ranges.starts[read]
                ranges.ends[write] = ranges.ends[read]
                write += 1
                read += 1
                continue
            }
            ranges.starts[write] = Int32(start)
            ranges.ends[write] = Int32(end)
            write += 1
            // Drop the pieces inside; a piece reaching past the end keeps its remainder.
            while read < count && Int(ranges.ends[read]) <= end { read += 1 }
            if read < count && Int(ranges.starts[read]) < end { ranges.starts[read] = Int32(end) }
        }
        ranges.starts.removeSubrange(write...)
        ranges.ends.removeSubrange(write...)
    }

    /// `<name>` or `</name>`, name of ASCII letters, digits and `_.:-`.
    private static func markupEnd(_ text: UnsafeRawBufferPointer, _ start: Int) -> Int? {
        var i = start + 1
        if i < text.count && text[i] == UInt8(ascii: "/") { i += 1 }
        let nameStart = i
        while i < text.count && i - nameStart <= maximumMarkupLength {
            let c = text[i]
            let isName = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":") || c == UInt8(ascii: "-")
            if !isName { break }
            i += 1
        }
        guard i > nameStart, i - nameStart <= maximumMarkupLength, i < text.count, text[i] == UInt8(ascii: ">") else {
            return nil
        }
        return i + 1
    }

    /// `@-@`, `@,@` or `@.@`.
    private static func joinerEnd(_ text: UnsafeRawBufferPointer, _ start: Int) -> Int? {
        guard start + 2 < text.count, text[start + 2] == UInt8(ascii: "@") else { return nil }
        let middle = text[start + 1]
        return middle == UInt8(ascii: "-") || middle == UInt8(ascii: ",") || middle == UInt8(ascii: ".") ? start + 3 : nil
    }
}
