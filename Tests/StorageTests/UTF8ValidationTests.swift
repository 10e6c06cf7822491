import Testing
@testable import Storage

@Suite struct UTF8ValidationTests {
    @Test func acceptsWellFormedText() {
        for text in ["", "plain ascii that is longer than eight bytes", "café", "日本語", "𝄞 music", "mixed ascii then é at the end é"] {
            #expect(UTF8Validation.firstInvalidOffset(in: Array(text.utf8)) == nil, "\(text)")
        }
    }

    @Test func reportsOffsetOfFirstBadByte() {
        let cases: [([UInt8], Int)] = [
            (Array("abcdefghij".utf8) + [0xFF], 10),            // never valid
            (Array("ab".utf8) + [0xC0, 0xAF], 2),                 // overlong
            (Array("abc".utf8) + [0xED, 0xA0, 0x80], 3),           // surrogate
            (Array("abcdefgh".utf8) + [0xE2, 0x82], 8),            // truncated at end
            ([0x61, 0xE2, 0x28, 0xA1], 1),                         // bad continuation
            ([0xF4, 0x90, 0x80, 0x80], 0),                         // above U+10FFFF
            (Array("é ok ".utf8) + [0x80], 6),                     // stray continuation
        ]
        for (bytes, offset) in cases {
            #expect(UTF8Validation.firstInvalidOffset(in: bytes) == offset, "\(bytes)")
        }
    }
}
