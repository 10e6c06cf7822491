import Foundation
import Testing
import TestSupport

/// Options that would do nothing, or contradict another, are refused; no command writes over
/// one of its own inputs.
@Suite struct OutputAndOptionTests {
    @Test func contradictoryOrIdleOptionsAreRefused() throws {
        for (arguments, fragment) in [
            (["ngram", "train", "--order", "3", "--mode", "sentence", "--train", "t.txt", "--out", "m", "--block-size", "16"], "--block-size applies to --mode block only"),
            (["ngram", "score", "--model", "m", "--mode", "sentence", "--text", "t.txt", "--block-size", "16"], "--block-size applies to --mode block only"),
            (["bench", "--gpt2", "c", "--gpt2-seconds", "10", "--gpt2-steps", "5"], "--gpt2-seconds and --gpt2-steps contradict each other"),
            (["bench", "--gpt2-steps", "5"], "give --gpt2 CORPUS too"),
            (["bench", "--skip-ngram", "--wikitext", "w"], "leave out --skip-ngram"),
            (["gpt2", "train", "--corpus", "c", "--out", "o", "--epochs", "2", "--steps", "3"], "--steps and --epochs contradict each other"),
        ] {
            try expectRefusal(arguments, mentioning: [fragment])
        }
    }

    @Test func nGramCommandsNeverWriteOverTheirInputs() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ngramTrainingText().write(toFile: "\(root)/train.txt", atomically: true, encoding: .utf8)
        let text = try Data(contentsOf: URL(fileURLWithPath: "\(root)/train.txt"))
        let train = ["ngram", "train", "--order", "3", "--mode", "sentence", "--tokenizer", "whitespace", "--train", "\(root)/train.txt",
                     "--discount-fallback"]
        try expectRefusal(train + ["--out", "\(root)/train.txt"], mentioning: ["\(root)/train.txt", "is one of the command's inputs"])
        try expectRefusal(train + ["--out", "\(root)/m.mcngram", "--arpa", "\(root)/./train.txt"], mentioning: ["is one of the command's inputs"])
        try expectRefusal(train + ["--out", "\(root)/m.mcngram", "--arpa", "\(root)/m.mcngram"], mentioning: ["written twice"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(root)/train.txt")) == text)
        #expect(try Collapse.run(train + ["--out", "\(root)/m.mcngram"], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
        let score = ["ngram", "score", "--model", "\(root)/m.mcngram", "--mode", "sentence", "--text", "\(root)/train.txt"]
        try expectRefusal(score + ["--per-sequence", "\(root)/train.txt"], mentioning: ["is one of the command's inputs"])
        try expectRefusal(score + ["--per-sequence", "\(root)/m.mcngram"], mentioning: ["is one of the command's inputs"])
        // A second name for the same file is the same file.
        try FileManager.default.createSymbolicLink(atPath: "\(root)/alias.txt", withDestinationPath: "\(root)/train.txt")
        try expectRefusal(score + ["--per-sequence", "\(root)/alias.txt"], mentioning: ["alias.txt", "is one of the command's inputs"])
        try expectRefusal(score + ["--tokenizer", "icu"], mentioning: ["the model's tokens are whitespace, not the icu of --tokenizer"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(root)/train.txt")) == text)
    }
}
