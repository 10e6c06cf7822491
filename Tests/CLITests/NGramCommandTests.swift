import Foundation
import Testing
import TestSupport

/// A small skewed text (too small for modified Kneser-Ney discounts at every order).
func ngramTrainingText() -> String {
    var state: UInt64 = 12345
    func next() -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33)
    }
    return (0..<1500).map { _ in
        (0..<(4 + next() % 10)).map { _ in "w\((next() % 40) * (next() % 40) / 40)" }.joined(separator: " ")
    }.joined(separator: "\n") + "\n"
}

@Suite struct NGramCommandTests {
    @Test func trainThenScorePrintsStableLines() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ngramTrainingText().write(toFile: "\(root)/train.txt", atomically: true, encoding: .utf8)
        try "w1 w2 w3\nw0 w0 never-seen\n".write(toFile: "\(root)/test.txt", atomically: true, encoding: .utf8)
        let trained = try Collapse.run(["ngram", "train", "--order", "3", "--mode", "sentence", "--tokenizer", "whitespace",
                                        "--train", "\(root)/train.txt", "--out", "\(root)/m.mcngram", "--arpa", "\(root)/m.arpa.zst",
                                        "--discount-fallback"])
        #expect(trained.status == 0, "\(trained.error)")
        #expect(trained.output.contains("discounts 3: "))
        var perplexities: [String] = []
        for model in ["m.mcngram", "m.arpa.zst"] {
            let scored = try Collapse.run(["ngram", "score", "--model", "\(root)/\(model)", "--mode", "sentence",
                                           "--text", "\(root)/test.txt", "--per-sequence", "\(root)/\(model).tsv"])
            #expect(scored.status == 0, "\(scored.error)")
            let lines = scored.output.split(separator: "\n")
            #expect(lines.contains("tokens: 8"))
            #expect(lines.contains("unknown: 1"))
            perplexities += lines.filter { $0.hasPrefix("perplexity: ") }.map(String.init)
            let table = try String(contentsOfFile: "\(root)/\(model).tsv", encoding: .utf8).split(separator: "\n")
            #expect(table.count == 3 && table[0] == "sequence\ttokens\tlog10\tperplexity")
        }
        // Our format and its ARPA export score identically.
        #expect(perplexities.count == 2 && perplexities[0] == perplexities[1])
    }

    @Test func badInputGivesOneLineErrors() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ngramTrainingText().write(toFile: "\(root)/train.txt", atomically: true, encoding: .utf8)
        try expectOneLineError(["ngram", "score", "--model", "\(root)/none.mcngram", "--mode", "block", "--text", "\(root)/train.txt"],
                               mentioning: ["\(root)/none.mcngram", "no such file"])
        try expectOneLineError(["ngram", "train", "--order", "9", "--mode", "sentence", "--train", "\(root)/train.txt", "--out", "\(root)/x"],
                               mentioning: ["--order must be within 2…6 (got 9)"])
        try expectOneLineError(["ngram", "train", "--order", "3", "--mode", "block", "--block-size", "0", "--train", "\(root)/train.txt", "--out", "\(root)/x"],
                               mentioning: ["--block-size must be within 2…1024 (got 0)"])
        try expectOneLineError(["ngram", "train", "--order", "3", "--mode", "block", "--corpus", root, "--tokenizer", "icu", "--out", "\(root)/x"],
                               mentioning: ["drop --tokenizer and --block-size"])
        try "garbage".write(toFile: "\(root)/bad.mcngram", atomically: true, encoding: .utf8)
        try expectOneLineError(["ngram", "score", "--model", "\(root)/bad.mcngram", "--mode", "sentence", "--text", "\(root)/train.txt"],
                               mentioning: ["\(root)/bad.mcngram", "not a ModelCollapse n-gram model"])
        try "a b\n".write(toFile: "\(root)/tiny.txt", atomically: true, encoding: .utf8)
        try expectOneLineError(["ngram", "train", "--order", "3", "--mode", "sentence", "--train", "\(root)/tiny.txt", "--out", "\(root)/t"],
                               mentioning: ["\(root)/tiny.txt", "--discount-fallback"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/t"))
    }
}
