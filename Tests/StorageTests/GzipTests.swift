import Foundation
import Storage
import Testing
import TestSupport

@Suite struct GzipTests {
    let text = Array((0..<2000).map { "line \($0 % 37), some text to pack\n" }.joined().utf8)

    @Test func decompressesWhatZlibPacked() throws {
        #expect(try Gzip.decompress(try gzipped(text), path: "a.gz") == text)
        // A header with a file name (FNAME) and a comment (FCOMMENT) before the data.
        var named = try gzipped(text)
        named[3] = 0x08 | 0x10
        named.insert(contentsOf: Array("digits.csv\0a comment\0".utf8), at: 10)
        #expect(try Gzip.decompress(named, path: "a.gz") == text)
    }

    @Test func damagedOrTruncatedDataIsRefusedNamingTheFile() throws {
        let packed = try gzipped(text)
        var flipped = packed
        flipped[packed.count / 2] ^= 0x5a
        var wrongLength = packed
        wrongLength[packed.count - 1] ^= 1
        for (bytes, fragment) in [(Array(packed.prefix(packed.count * 2 / 3)), "gzip data"), (flipped, "gzip data"),
                                  (wrongLength, "CRC-32 or length"), (Array("plain".utf8), "not a gzip file")] {
            do {
                _ = try Gzip.decompress(bytes, path: "digits.csv.gz")
                Issue.record("accepted damaged data (\(fragment))")
            } catch let error as CollapseError {
                #expect(error.description.hasPrefix("digits.csv.gz: ") && error.problem.contains(fragment), "\(error)")
            }
        }
    }
}
