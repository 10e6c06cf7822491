import Foundation
import Testing
import TestSupport

/// A generation written in shards and merged is byte for byte the one unsharded pass, and the
/// merge refuses what does not belong together.
@Suite struct ShardedGenerationTests {
    @Test func shardsMergeIntoTheBytesOfOneUnshardedPass() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try tinyRunSetup(in: root)
        let corpus = "\(root)/Corpora/tiny"
        let trained = try Collapse.run(["ngram", "train", "--order", "3", "--mode", "block", "--corpus", corpus, "--out", "\(root)/m.mcngram",
                                        "--discount-fallback"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(trained.status == 0, "\(trained.error)")
        let generate = ["generate", "--model", "\(root)/m.mcngram", "--prompts", "\(corpus)/train.blocks", "--new-tokens", "16", "--limit", "37"]
        #expect(try Collapse.run(generate + ["--out", "\(root)/whole"], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
        for shard in 0..<4 {
            let result = try Collapse.run(generate + ["--shard", "\(shard)/4", "--out", "\(root)/shard-\(shard)"], environment: ["COLLAPSE_QUIET": "1"])
            #expect(result.status == 0, "\(result.error)")
        }
        let shards = (0..<4).map { "\(root)/shard-\($0)" }
        let merged = try Collapse.run(["merge", "--corpus", corpus, "--out", "\(root)/merged"] + shards, environment: ["COLLAPSE_QUIET": "1"])
        #expect(merged.status == 0, "\(merged.error)")
        #expect(merged.output.contains("blocks: 37"))
        for ext in ["blocks", "txt.zst"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(root)/merged.\(ext)")) == Data(contentsOf: URL(fileURLWithPath: "\(root)/whole.\(ext)")), "\(ext)")
        }

        // A damaged shard: refused by name, and nothing written.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(shards[2]).blocks"))
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: "\(shards[2]).blocks"))
        try expectRefusal(["merge", "--corpus", corpus, "--out", "\(root)/again"] + shards, mentioning: ["shard-2.blocks"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/again.blocks"))
        try expectRefusal(generate + ["--shard", "4/4", "--out", "\(root)/x"], mentioning: ["--shard", "4/4"])
        try expectRefusal(generate + ["--shard", "two", "--out", "\(root)/x"], mentioning: ["--shard", "K/N"])
    }
}
