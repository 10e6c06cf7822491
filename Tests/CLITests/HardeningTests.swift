import Foundation
import Storage
import Testing
import TestSupport

/// The command fails cleanly (no signal, non-zero exit, one line on stderr) with every fragment
/// on that line.
func expectRefusal(_ arguments: [String], mentioning fragments: [String], environment: [String: String] = [:]) throws {
    let result = try Collapse.run(arguments, environment: environment.merging(["COLLAPSE_QUIET": "1"]) { $1 })
    #expect(result.status > 0 && result.status < 128, "\(arguments): status \(result.status)")
    let lines = result.error.split(separator: "\n")
    #expect(lines.count == 1, "expected one line, got: \(result.error)")
    for fragment in fragments { #expect(lines.first?.contains(fragment) == true, "\(fragment) not in: \(result.error)") }
}

/// A finished tiny run (2 seeds × 3 generations) in `root/Runs/tiny`; returns its configuration.
func finishedTinyRun(in root: String) throws -> String {
    let config = try tinyRunSetup(in: root)
    let run = try Collapse.run(["run", config, "--runs", "\(root)/Runs"], environment: ["COLLAPSE_QUIET": "1"])
    #expect(run.status == 0, "\(run.error)")
    return config
}

/// The tiny configuration with `overrides`, written next to it.
func editedConfiguration(_ config: String, _ overrides: [String: Any], raw: String? = nil) throws -> String {
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config))) as! [String: Any]
    for (key, value) in overrides { object[key] = value }
    let path = "\(config).\(UInt32.random(in: 0...UInt32.max)).json"
    if let raw {
        try raw.write(toFile: path, atomically: true, encoding: .utf8)
    } else {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
    }
    return path
}

@Suite(.serialized) struct ResourceBoundTests {
    @Test func hugeDecodingSettingsAreRefusedBeforeAnyWork() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        let trained = try Collapse.run(["ngram", "train", "--order", "3", "--mode", "block", "--corpus", "\(root)/Corpora/tiny",
                                        "--out", "\(root)/m.mcngram", "--discount-fallback"])
        #expect(trained.status == 0, "\(trained.error)")
        let prompts = "\(root)/Corpora/tiny/train.blocks"
        let base = ["generate", "--model", "\(root)/m.mcngram", "--prompts", prompts, "--out", "\(root)/out"]
        try expectRefusal(base + ["--beams", "100000"], mentioning: ["--beams must be within 1…64 (got 100000)"])
        try expectRefusal(base + ["--new-tokens", "100000000", "--limit", "1"], mentioning: ["--new-tokens must be within 1…1024"])
        try expectRefusal(base + ["--limit", "0"], mentioning: ["--limit must be within 1…"])
        try expectRefusal(base + ["--penalty", "0"], mentioning: ["--penalty must be within (0.0, 100.0]"])
        try expectRefusal(base, mentioning: ["writing", "needs about", "of memory, but only 1.0 KiB is available"],
                          environment: ["COLLAPSE_MEMORY_LIMIT": "1K"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/out.blocks"))

        for (key, value, message) in [("beams", 100000, "beams must be within 1…64 (got 100000)"),
                                      ("newTokens", 100_000_000, "newTokens must be within 1…1024"),
                                      ("generations", 0, "generations must be within 1…100 (got 0)")] as [(String, Any, String)] {
            let edited = try editedConfiguration(config, [key: value])
            try expectRefusal(["run", edited, "--runs", "\(root)/Runs"], mentioning: [edited, message])
        }
        try expectRefusal(["run", config, "--runs", "\(root)/Runs"], mentioning: [config, "the run", "needs about", "of memory"],
                          environment: ["COLLAPSE_MEMORY_LIMIT": "10K"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/Runs/tiny"))
    }

    @Test func threadCountsOutsideTheRangeAreRefusedEverywhere() throws {
        for arguments in [["run", "x.json", "--threads", "0"], ["run", "x.json", "--threads=-1"], ["metrics", "Runs/x", "--threads", "0"],
                          ["generate", "--model", "m", "--prompts", "p", "--out", "o", "--threads", "0"]] {
            try expectRefusal(arguments, mentioning: ["--threads must be within 1…256"])
        }
    }

    @Test func aScoreOfNothingIsRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ngramTrainingText().write(toFile: "\(root)/train.txt", atomically: true, encoding: .utf8)
        #expect(try Collapse.run(["ngram", "train", "--order", "3", "--mode", "sentence", "--tokenizer", "whitespace", "--train", "\(root)/train.txt",
                                  "--out", "\(root)/m.mcngram", "--discount-fallback"]).status == 0)
        try "".write(toFile: "\(root)/empty.txt", atomically: true, encoding: .utf8)
        try "\n  \n\n".write(toFile: "\(root)/blank.txt", atomically: true, encoding: .utf8)
        try "w1 w2 w3\n".write(toFile: "\(root)/short.txt", atomically: true, encoding: .utf8)
        for (file, mode, message) in [("empty.txt", "sentence", "nothing to score: no tokens"), ("blank.txt", "sentence", "nothing to score: no tokens"),
                                      ("empty.txt", "block", "no complete block of 64 tokens"), ("short.txt", "block", "no complete block of 64 tokens")] {
            try expectRefusal(["ngram", "score", "--model", "\(root)/m.mcngram", "--mode", mode, "--text", "\(root)/\(file)"],
                              mentioning: ["\(root)/\(file)", message])
        }
    }
}

@Suite(.serialized) struct RunIntegrityTests {
    @Test func tamperedMetricsAreRefusedByReportAndCompare() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try finishedTinyRun(in: root)
        let file = "\(root)/Runs/tiny/seed-1/gen-1/metrics.json"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "\"testPerplexity\" : ", with: "\"testPerplexity\" : 1")
        #expect(edited != text)
        try edited.write(toFile: file, atomically: true, encoding: .utf8)
        for command in [["report", "\(root)/Runs/tiny"], ["compare", "\(root)/Runs/tiny"], ["compare", "\(root)/Runs/tiny", "--format", "json"]] {
            try expectRefusal(command, mentioning: [file, "damaged", "collapse run \(root)/Runs/tiny --resume"])
        }
        // The way out the message gives works.
        let repaired = try Collapse.run(["run", "\(root)/Runs/tiny", "--resume"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(repaired.status == 0 && repaired.error.contains("\(file): missing or damaged"), "\(repaired.error)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        #expect(try Collapse.run(["report", "\(root)/Runs/tiny"]).status == 0)
    }

    @Test func aDamagedManifestIsRebuiltFromTheFilesOnDisk() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try finishedTinyRun(in: root)
        let expected = try runArtifacts("\(root)/Runs/tiny")
        let manifest = "\(root)/Runs/tiny/manifest.json"
        try "{\"format\": 1, \"stag".write(toFile: manifest, atomically: true, encoding: .utf8)
        try expectRefusal(["run", config, "--runs", "\(root)/Runs", "--resume"],
                          mentioning: [manifest, "not a valid run manifest", "--rebuild-manifest"])
        try expectRefusal(["report", "\(root)/Runs/tiny"], mentioning: [manifest, "--rebuild-manifest"])
        // A damaged generation-2 corpus is not vouched for: it and what follows are recomputed.
        let corpus = "\(root)/Runs/tiny/seed-2/gen-2/corpus.blocks"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: corpus))
        bytes[bytes.count - 3] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: corpus))
        let rebuilt = try Collapse.run(["run", "\(root)/Runs/tiny", "--rebuild-manifest"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(rebuilt.status == 0, "\(rebuilt.error)")
        #expect(rebuilt.error.contains("rebuilt from 11 intact stage(s)"), "\(rebuilt.error)")
        #expect(try runArtifacts("\(root)/Runs/tiny") == expected)
        #expect(try Collapse.run(["compare", "\(root)/Runs/tiny"]).status == 0)
    }

    @Test func resumeSaysWhenItRewritesADamagedRunFile() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try finishedTinyRun(in: root)
        let expected = try runArtifacts("\(root)/Runs/tiny")
        for name in ["config.json", "metrics.tsv"] {
            try "edited\n".write(toFile: "\(root)/Runs/tiny/\(name)", atomically: true, encoding: .utf8)
        }
        let resumed = try Collapse.run(["run", config, "--runs", "\(root)/Runs", "--resume"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(resumed.status == 0)
        for name in ["config.json", "metrics.tsv"] {
            #expect(resumed.error.contains("\(root)/Runs/tiny/\(name): damaged (checksum differs from the manifest); rewriting it"), "\(resumed.error)")
        }
        #expect(try runArtifacts("\(root)/Runs/tiny") == expected)
    }

    @Test func aFailedMetricsRecomputationKeepsTheEvaluationRecords() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try finishedTinyRun(in: root)
        func evaluations() throws -> [String] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(root)/Runs/tiny/manifest.json"))) as! [String: Any]
            return (object["stages"] as! [String: Any]).keys.filter { $0.hasSuffix("/evaluate") }.sorted()
        }
        let before = try evaluations()
        #expect(before.count == 6)
        // Generation 2's metrics cannot be written: a directory stands in the way.
        let blocked = "\(root)/Runs/tiny/seed-1/gen-2/metrics.json"
        try FileManager.default.removeItem(atPath: blocked)
        try FileManager.default.createDirectory(atPath: "\(blocked)/x", withIntermediateDirectories: true)
        let failed = try Collapse.run(["metrics", "\(root)/Runs/tiny"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(failed.status != 0)
        #expect(try evaluations() == before)
    }

    @Test func reportAndCompareUseTheSeedsThatFinished() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try finishedTinyRun(in: root)
        // Seed 2 as if it had not started: no files, no records.
        let manifestPath = "\(root)/Runs/tiny/manifest.json"
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as! [String: Any]
        object["stages"] = (object["stages"] as! [String: Any]).filter { !$0.key.hasPrefix("seed-2/") }
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: manifestPath))
        try FileManager.default.removeItem(atPath: "\(root)/Runs/tiny/seed-2")
        let report = try Collapse.run(["report", "\(root)/Runs/tiny"])
        #expect(report.status == 0, "\(report.error)")
        let html = try String(contentsOfFile: "\(root)/Runs/tiny/report.html", encoding: .utf8)
        #expect(html.contains("no finished generation yet: seed 2"))
        let tsv = try Collapse.run(["compare", "\(root)/Runs/tiny", "--format", "tsv"])
        let rows = tsv.output.split(separator: "\n").dropFirst()
        #expect(rows.count == 3 && rows.allSatisfy { $0.split(separator: "\t", omittingEmptySubsequences: false)[4] == "1" }, "\(tsv.output)")
    }
}

@Suite(.serialized) struct LockTests {
    @Test func aSecondWriterIsRefusedNamingTheHolder() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        let me = ProcessInfo.processInfo.processIdentifier
        // Another import holds the corpus: an import of the same name is refused and changes nothing.
        var held: FileLock? = try FileLock(path: "\(root)/Corpora/.tiny.lock", exclusive: true, subject: "tiny", purpose: "import")
        let vocabulary = try Data(contentsOf: URL(fileURLWithPath: "\(root)/Corpora/tiny/vocab.txt"))
        try expectRefusal(["corpus", "import", "\(root)/source", "--name", "tiny", "--corpora", "\(root)/Corpora", "--force", "--min-count", "2"],
                          mentioning: ["\(root)/Corpora/tiny", "in use by process \(me) (import)"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(root)/Corpora/tiny/vocab.txt")) == vocabulary)
        // A run does not start on a corpus being written.
        try expectRefusal(["run", config, "--runs", "\(root)/Runs"], mentioning: ["\(root)/Corpora/tiny", "in use by process \(me)"])
        held = nil
        // A run reading the corpus (a shared lock) keeps an import from replacing it.
        held = try FileLock(path: "\(root)/Corpora/.tiny.lock", exclusive: false, subject: "tiny", purpose: "run tiny")
        try expectRefusal(["corpus", "import", "\(root)/source", "--name", "tiny", "--corpora", "\(root)/Corpora", "--force"],
                          mentioning: ["in use by process \(me) (run tiny)"])
        held = nil
        // Two runs of one configuration do not work side by side.
        held = try FileLock(path: "\(root)/Runs/.tiny.lock", exclusive: true, subject: "run", purpose: "run tiny")
        try expectRefusal(["run", config, "--runs", "\(root)/Runs"], mentioning: ["\(root)/Runs/tiny", "in use by process \(me) (run tiny)"])
        held = nil
        _ = held
        #expect(try Collapse.run(["run", config, "--runs", "\(root)/Runs"], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
    }

    @Test func anImportRemovesWhatKilledImportsLeftBehind() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeFixture(in: "\(root)/source")
        for leftover in [".tiny.importing-999999", ".tiny.replaced-999998", ".other.importing-999997"] {
            try FileManager.default.createDirectory(atPath: "\(root)/Corpora/\(leftover)/x", withIntermediateDirectories: true)
        }
        #expect(try Collapse.run(["corpus", "import", "\(root)/source", "--name", "tiny", "--corpora", "\(root)/Corpora"]).status == 0)
        let entries = try FileManager.default.contentsOfDirectory(atPath: "\(root)/Corpora").filter { $0.contains("importing") || $0.contains("replaced") }
        #expect(entries == [".other.importing-999997"])
    }
}

@Suite struct SmallHoleTests {
    @Test func configurationErrorsNameTheKey() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        let fractional = try editedConfiguration(config, ["beams": 2.5])
        try expectRefusal(["run", fractional, "--runs", "\(root)/Runs"], mentioning: [fractional, "'beams' must be a whole number within 1…64 (got 2.5)"])
        let text = try String(contentsOfFile: config, encoding: .utf8)
        let duplicate = try editedConfiguration(config, [:], raw: text.replacingOccurrences(of: "{", with: "{\n\"beams\": 3,\n"))
        try expectRefusal(["run", duplicate, "--runs", "\(root)/Runs"], mentioning: [duplicate, "duplicate key 'beams'", "line "])
        let seeds = try editedConfiguration(config, ["seeds": [1, 1]])
        try expectRefusal(["run", seeds, "--runs", "\(root)/Runs"], mentioning: ["'seeds' lists a number twice"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/Runs/tiny"))
    }

    @Test func anEditedCorpusManifestIsRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try tinyRunSetup(in: root)
        let path = "\(root)/Corpora/tiny/corpus.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"lines\" : 700", with: "\"lines\" : 701").write(toFile: path, atomically: true, encoding: .utf8)
        try expectRefusal(["corpus", "stats", "\(root)/Corpora/tiny"], mentioning: [path, "damaged", "import the corpus again"])
    }

    @Test func aFailedARPAWriteLeavesNoModel() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ngramTrainingText().write(toFile: "\(root)/train.txt", atomically: true, encoding: .utf8)
        let arguments = ["ngram", "train", "--order", "3", "--mode", "sentence", "--tokenizer", "whitespace", "--train", "\(root)/train.txt",
                         "--out", "\(root)/m.mcngram", "--discount-fallback"]
        try expectRefusal(arguments + ["--arpa", "\(root)/missing/m.arpa"], mentioning: ["\(root)/missing/m.arpa", "no such directory"])
        try FileManager.default.createDirectory(atPath: "\(root)/taken.arpa", withIntermediateDirectories: true)
        try expectRefusal(arguments + ["--arpa", "\(root)/taken.arpa"], mentioning: ["\(root)/taken.arpa", "is a directory"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/m.mcngram"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["taken.arpa", "train.txt"])
    }
}
