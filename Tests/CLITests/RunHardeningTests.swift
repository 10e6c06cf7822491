import Foundation
import Testing
import TestSupport

/// The run's manifest with `edit` applied, written back.
func editManifest(of run: String, _ edit: (inout [String: Any]) -> Void) throws {
    let path = "\(run)/manifest.json"
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    edit(&object)
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
}

@Suite(.serialized) struct RunHardeningTests {
    @Test func aTransformerGenerationsConfigurationFileIsCoveredByTheManifest() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try tinyRunSetup(in: root)
        let config = try fixtureConfiguration("tiny-gpt2", corpus: "\(root)/Corpora/tiny", in: root)
        let edited = try editedConfiguration(config, ["generations": 2])
        let run = try Collapse.run(["run", edited, "--runs", "\(root)/Runs"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(run.status == 0, "\(run.error)")
        let directory = "\(root)/Runs/tiny-gpt2", file = "\(directory)/seed-1/gen-1/config.json"
        let manifest = try String(contentsOfFile: "\(directory)/manifest.json", encoding: .utf8)
        #expect(manifest.contains("seed-1/gen-1/config.json"))
        let expected = try runArtifacts(directory)
        for damage in ["edited", "garbled", "deleted"] {
            switch damage {
            case "deleted": try FileManager.default.removeItem(atPath: file)
            case "garbled": try Data([0xFF, 0x00, 0x7B]).write(to: URL(fileURLWithPath: file))
            default: try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\"n_embd\": 32", with: "\"n_embd\": 64")
                .write(toFile: file, atomically: true, encoding: .utf8)
            }
            for reader in [["report", directory], ["compare", directory], ["samples", directory, "--block", "0"]] {
                try expectRefusal(reader, mentioning: [file, damage == "deleted" ? "missing" : "damaged"])
            }
            let resumed = try Collapse.run(["run", directory, "--resume"], environment: ["COLLAPSE_QUIET": "1"])
            #expect(resumed.status == 0, "\(resumed.error)")
            #expect(resumed.error.contains("\(file): missing or damaged"), "\(resumed.error)")
            #expect(try runArtifacts(directory) == expected, "after the config was \(damage)")
        }
    }

    @Test func aCorpusReimportedUnderARunIsRefusedByEveryReaderThatUsesIt() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try finishedTinyRun(in: root)
        let run = "\(root)/Runs/tiny"
        let metrics = try Data(contentsOf: URL(fileURLWithPath: "\(run)/seed-1/gen-0/metrics.json"))
        // Same vocabulary (the training split is unchanged), another test split.
        let test = try String(contentsOfFile: "\(root)/source/test.txt", encoding: .utf8)
        try String(test.split(separator: "\n").reversed().joined(separator: "\n") + "\n").write(toFile: "\(root)/source/test.txt", atomically: true, encoding: .utf8)
        let reimported = try Collapse.run(["corpus", "import", "\(root)/source", "--name", "tiny", "--tokenizer", "whitespace", "--block-size", "16",
                                           "--corpora", "\(root)/Corpora", "--force"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(reimported.status == 0, "\(reimported.error)")
        for command in [["metrics", run], ["run", config, "--runs", "\(root)/Runs", "--resume"], ["run", run], ["samples", run, "--block", "0"],
                        ["report", run]] {
            try expectRefusal(command, mentioning: ["\(root)/Corpora/tiny is not the one the run used", "identity", "then,", "now"])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(run)/seed-1/gen-0/metrics.json")) == metrics)
        #expect(try Collapse.run(["compare", run]).status == 0, "compare reads only the run's own files")
    }

    @Test func metricsOfAnUnfinishedRunEvaluateWhatExistsAndNameWhatIsMissing() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try finishedTinyRun(in: root)
        let run = "\(root)/Runs/tiny"
        // Seed 2 as if stopped after generation 0: its later stages and files gone.
        try editManifest(of: run) { manifest in
            var stages = manifest["stages"] as! [String: Any]
            stages = stages.filter { !($0.key.hasPrefix("seed-2/gen-1") || $0.key.hasPrefix("seed-2/gen-2")) }
            manifest["stages"] = stages
        }
        for k in 1...2 { try FileManager.default.removeItem(atPath: "\(run)/seed-2/gen-\(k)") }
        let result = try Collapse.run(["metrics", run], environment: ["COLLAPSE_QUIET": "1"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("recomputed the metrics of 4 generation(s)"), "\(result.output)")
        #expect(result.output.contains("not written yet, so not evaluated: seed 2: generations 1–2"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(run)/seed-2/gen-1"), "metrics trained or wrote a missing generation")
    }

    @Test func aBatchLargerThanTheDataIsRefusedBeforeTheRunDirectoryExists() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try tinyRunSetup(in: root)
        let config = try fixtureConfiguration("tiny-gpt2", corpus: "\(root)/Corpora/tiny", in: root)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config))) as! [String: Any]
        var model = object["model"] as! [String: Any]
        model["batchSize"] = 1000
        object["model"] = model
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: config))
        try expectRefusal(["run", config, "--runs", "\(root)/Runs"], mentioning: [config, "model.batchSize 1000 exceeds the", "blocks"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/Runs/tiny-gpt2"))
    }

    @Test func aRunThatNeverFinishedAStageStartsAgainWithoutResume() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try finishedTinyRun(in: root)
        let run = "\(root)/Runs/tiny"
        let expected = try runArtifacts(run)
        for seed in 1...2 { try FileManager.default.removeItem(atPath: "\(run)/seed-\(seed)") }
        try editManifest(of: run) { $0["stages"] = [String: Any]() }
        let again = try Collapse.run(["run", config, "--runs", "\(root)/Runs"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(again.status == 0, "\(again.error)")
        #expect(try runArtifacts(run) == expected)
        try expectRefusal(["run", config, "--runs", "\(root)/Runs"], mentioning: ["run already exists"])
    }

    @Test func namesWithControlCharactersAreRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        for name in ["tab\there", "line\nbreak", "escape\u{1B}[31m"] {
            try expectRefusal(["corpus", "import", "\(root)/source", "--name", name, "--corpora", "\(root)/Corpora"],
                              mentioning: ["must be a plain directory name", "\\u{"])
            let edited = try editedConfiguration(config, ["name": name])
            try expectRefusal(["run", edited, "--runs", "\(root)/Runs"], mentioning: [edited, "must be a plain directory name"])
        }
    }

    @Test func mergeAcceptsOnlyTheShardsOfOneWholePass() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try tinyRunSetup(in: root)
        let corpus = "\(root)/Corpora/tiny"
        #expect(try Collapse.run(["ngram", "train", "--order", "3", "--mode", "block", "--corpus", corpus, "--out", "\(root)/m.mcngram",
                                  "--discount-fallback"], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
        let generate = ["generate", "--model", "\(root)/m.mcngram", "--prompts", "\(corpus)/train.blocks", "--new-tokens", "8", "--limit", "20"]
        for shard in 0..<3 {
            #expect(try Collapse.run(generate + ["--shard", "\(shard)/3", "--out", "\(root)/s\(shard)"], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
        }
        #expect(try Collapse.run(generate + ["--beams", "2", "--shard", "1/3", "--out", "\(root)/other1"], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
        #expect(try Collapse.run(generate + ["--out", "\(root)/plain"], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
        let merge = ["merge", "--corpus", corpus, "--out", "\(root)/merged"]
        let (s0, s1, s2) = ("\(root)/s0", "\(root)/s1", "\(root)/s2")
        try expectRefusal(merge + [s0, s1], mentioning: ["2 shard(s) given, but the pass has 3"])
        try expectRefusal(merge + [s0, s2, s1], mentioning: ["s2.shard.json", "shard 2/3 given in place 1"])
        try expectRefusal(merge + [s0, s0, s2], mentioning: ["s0.shard.json", "shard 0/3 given in place 1"])
        try expectRefusal(merge + [s0, "\(root)/other1", s2], mentioning: ["other1.shard.json", "another pass"])
        try expectRefusal(merge + [s0, "\(root)/plain", s2], mentioning: ["plain.shard.json", "not written by `collapse generate --shard"])
        try expectRefusal(["merge", "--corpus", corpus, "--out", s1, s0, s1, s2], mentioning: ["s1.blocks", "is one of the command's inputs"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/merged.blocks"))
        let merged = try Collapse.run(merge + [s0, s1, s2], environment: ["COLLAPSE_QUIET": "1"])
        #expect(merged.status == 0 && merged.output.contains("blocks: 20"), "\(merged.error)")
        try expectRefusal(generate + ["--out", "\(corpus)/train"], mentioning: ["\(corpus)/train.blocks", "is one of the command's inputs"])
    }
}
