import Foundation
import Storage
import Testing
import TestSupport
@testable import VAE

@Suite struct DigitSetTests {
    @Test func readsTheRealDigitsFromTheirGzipFile() throws {
        guard let directory = digitsDirectory else {
            print("skipped: the digits corpus is not here (set DIGITS_DIR)")
            return
        }
        let digits = try DigitSet.load(path: directory)
        #expect(digits.count == 1797)
        let labels = try #require(digits.labels)
        #expect(Set(labels) == Set(0...9))
        #expect(digits.values.allSatisfy { (0...1).contains($0) })
        // Every pixel is a multiple of 1/16: the file's integers 0…16, scaled.
        #expect(digits.values.allSatisfy { ($0 * 16).rounded() == $0 * 16 })
    }

    @Test func readsPlainAndGzipCSVAlike() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let text = syntheticDigitsCSV(count: 30)
        try text.write(toFile: "\(root)/digits.csv", atomically: true, encoding: .utf8)
        try Data(try gzipped(Array(text.utf8))).write(to: URL(fileURLWithPath: "\(root)/digits.csv.gz"))
        let plain = try DigitSet.load(path: "\(root)/digits.csv")
        #expect(plain.count == 30 && plain.labels?[13] == 3)
        #expect(try DigitSet.load(path: "\(root)/digits.csv.gz") == plain)
        #expect(try DigitSet.load(path: root) == plain) // a directory: its digits.csv.gz
    }

    @Test func badInputIsRefusedNamingTheFileAndLine() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let good = syntheticDigitsCSV(count: 3).split(separator: "\n").map(String.init)
        let cases: [(String, String, String)] = [
            ("short.csv", good[0] + "\n" + good[1].split(separator: ",").dropLast(2).joined(separator: ",") + "\n", "line 2: expected 65 comma-separated values"),
            ("bright.csv", good[0].replacingOccurrences(of: "^\\d+,", with: "17,", options: .regularExpression) + "\n", "line 1, column 1: pixel '17' is not an integer in 0…16"),
            ("label.csv", good[0].dropLast() + "12\n", "label '"),
            ("word.csv", good[0].replacingOccurrences(of: "^\\d+,", with: "x,", options: .regularExpression) + "\n", "pixel 'x'"),
            ("empty.csv", "\n", "holds no digits"),
        ]
        for (name, text, fragment) in cases {
            try text.write(toFile: "\(root)/\(name)", atomically: true, encoding: .utf8)
            #expect(throws: CollapseError.self) { try DigitSet.load(path: "\(root)/\(name)") }
            do { _ = try DigitSet.load(path: "\(root)/\(name)") } catch let error as CollapseError {
                #expect(error.path == "\(root)/\(name)" && error.description.contains(fragment), "\(error)")
            }
        }
        #expect(throws: CollapseError.self) { try DigitSet.load(path: "\(root)/missing.csv") }
    }

    @Test func samplesReadBackExactly() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var random = SplitMix64(seed: 9)
        let set = DigitSet(values: (0..<(64 * 7)).map { _ in Float(random.unitInterval()) })
        try set.write(to: "\(root)/samples.tsv")
        #expect(try DigitSet.read(path: "\(root)/samples.tsv") == set)
    }
}
