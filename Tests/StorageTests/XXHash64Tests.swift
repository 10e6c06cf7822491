import Testing
@testable import Storage

@Suite struct XXHash64Tests {
    // Vectors from the reference implementation (Python `xxhash` 3.x).
    static let vectors: [(input: [UInt8], seed0: UInt64, seed7: UInt64)] = [
        ([], 0xEF46_DB37_51D8_E999, 0x95F0_626F_6F0A_4409),
        (Array("a".utf8), 0xD24E_C4F1_A98C_6E5B, 0xDC63_49D4_89E0_F965),
        (Array("abc".utf8), 0x44BC_2CF5_AD77_0999, 0x9E75_5206_1566_76D7),
        (Array("hello world".utf8), 0x45AB_6734_B21E_6968, 0xE318_8F1F_1023_E4D0),
        (Array(repeating: UInt8(ascii: "x"), count: 31), 0x60DD_0D01_083B_99F0, 0x3781_CEA7_CB1A_961E),
        (Array(repeating: UInt8(ascii: "x"), count: 32), 0xE2DF_261F_C2EC_30EB, 0x3FE3_2C63_2942_FB04),
        (Array(repeating: UInt8(ascii: "x"), count: 33), 0xB3FA_465F_5542_08A6, 0x9FBD_BD03_45DC_39C0),
        (Array((0..<768).map { UInt8($0 % 256) }), 0x8E03_C838_C596_036F, 0xB1E1_0F6C_5294_CD6B),
    ]

    @Test func oneShotMatchesReferenceVectors() {
        for vector in Self.vectors {
            #expect(XXHash64.hash(vector.input) == vector.seed0, "length \(vector.input.count)")
            #expect(vector.input.withUnsafeBytes { XXHash64.hash($0, seed: 7) } == vector.seed7)
        }
    }

    @Test func streamingInPiecesEqualsOneShot() {
        for vector in Self.vectors {
            for pieceSize in [1, 3, 7, 16, 31, 33] {
                var hasher = XXHash64()
                var offset = 0
                while offset < vector.input.count {
                    let end = min(offset + pieceSize, vector.input.count)
                    hasher.update(Array(vector.input[offset..<end]))
                    offset = end
                }
                #expect(hasher.finalize() == vector.seed0, "length \(vector.input.count), pieces of \(pieceSize)")
            }
        }
    }

    @Test func hexDigitsRoundTrip() {
        #expect(UInt64(0xAB).hexDigits == "00000000000000ab")
        #expect(UInt64(hexDigits: "00000000000000ab") == 0xAB)
        #expect(UInt64(hexDigits: "ab") == nil)
        #expect(UInt64(hexDigits: "zz000000000000ab") == nil)
    }
}
