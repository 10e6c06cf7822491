import Foundation
import Testing
import TestSupport

/// A study of the tiny corpus: an order-3 n-gram and a one-layer transformer fine-tuned from a
/// base model, under replace and real-fraction 0.25, 2 seeds, `generations` generations; returns its path.
func tinyStudySetup(in root: String, generations: Int = 3) throws -> String {
    _ = try tinyRunSetup(in: root)
    let study: [String: Any] = [
        "name": "tinystudy", "corpus": "\(root)/Corpora/tiny", "tokenizer": "whitespace", "blockSize": 16, "generations": generations,
        "seeds": [1, 2], "prompts": "original", "beams": 3, "repetitionPenalty": 2.0, "newTokens": 16,
        "families": [
            ["name": "ngram3", "model": ["family": "ngram", "order": 3, "discountFallback": true]],
            ["name": "gpt2", "model": ["family": "gpt2", "layers": 1, "width": 32, "heads": 2, "context": 32, "batchSize": 8,
                                       "learningRate": 0.01, "warmupSteps": 5, "epochs": 2, "init": "base"],
             "base": ["epochs": 6, "init": "scratch"]],
        ],
        "regimes": [["regime": "replace"], ["regime": "real-fraction", "realFraction": 0.25]],
    ]
    let path = "\(root)/study.json"
    try JSONSerialization.data(withJSONObject: study, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
    return path
}

/// Every run's files in a study directory (not the manifests' timings, not the results pages,
/// whose stage times vary, not the locks, which name their holder).
func studyArtifacts(_ directory: String) throws -> [String: Data] {
    try runArtifacts(directory).filter { !$0.key.hasPrefix("results.") && !$0.key.hasSuffix(".lock") && !$0.key.contains("logs/") }
}

@Suite(.serialized) struct StudyTests {
    @Test func aTinyStudyRunsItsGridWritesBothFiguresAndResumesAfterAKill() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = try tinyStudySetup(in: root)
        let quiet = ["COLLAPSE_QUIET": "1"]
        let whole = try Collapse.run(["study", study, "--runs", "\(root)/Runs"], environment: quiet)
        #expect(whole.status == 0, "\(whole.error)")
        let directory = "\(root)/Runs/tinystudy"
        let runs = ["gpt2-base", "ngram3-replace", "ngram3-gamma0.25", "gpt2-replace", "gpt2-gamma0.25"].map { "tinystudy-\($0)" }
        for run in runs { #expect(whole.output.contains("run: \(directory)/\(run)"), "\(whole.output)") }
        let markdown = try String(contentsOfFile: "\(directory)/results.md", encoding: .utf8)
        for fragment in ["## ngram3", "## gpt2", "Test perplexity by generation (Fig. 10)", "Per-sequence perplexity under generation 0 (Fig. 11)",
                         "| replace | gen 1 |", "| gamma0.25 | gen 2 |", "### Regimes against replace", "Base model (`tinystudy-gpt2-base`",
                         "Continuations with a run of 16+ identical tokens", "## Stage times"] {
            #expect(markdown.contains(fragment), "\(fragment) not in results.md")
        }
        // Every figure has its interval: test perplexity of a 2-seed run is never a bare number.
        #expect(markdown.contains("| 1 | ") && !markdown.split(separator: "\n").contains { $0.hasPrefix("| 1 | ") && !$0.contains("[") })
        let html = try String(contentsOfFile: "\(directory)/results.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 2 + 4, "a Fig. 10 per family, a Fig. 11 per run")
        #expect(expectNiceTicks(in: html, "study results") == 12)
        #expect(html.contains(">real p99</text>"))
        let configuration = try String(contentsOfFile: "\(directory)/configs/tinystudy-gpt2-replace.json", encoding: .utf8)
        #expect(configuration.contains("\"init\" : \"base\"") && configuration.contains("tinystudy-gpt2-base/seed-1/gen-0/model.safetensors"))
        let expected = try studyArtifacts(directory)

        // Killed while its third run is under way, then continued: the same files.
        try FileManager.default.removeItem(atPath: directory)
        let process = Process()
        process.executableURL = Collapse.executable
        process.arguments = ["study", study, "--runs", "\(root)/Runs"]
        process.environment = ProcessInfo.processInfo.environment.merging(quiet) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning && !filesUnder(directory).contains(where: { $0.hasPrefix("\(runs[2])/seed-1/gen-1/") }) { usleep(500) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the study finished before it was killed")
        let resumed = try Collapse.run(["study", study, "--runs", "\(root)/Runs"], environment: quiet)
        #expect(resumed.status == 0, "\(resumed.error)")
        let after = try studyArtifacts(directory)
        let differing = Set(after.keys).union(expected.keys).filter { after[$0] != expected[$0] }.sorted()
        #expect(differing.isEmpty, "\(differing) differ after the resumed study")
    }

    @Test func aBadStudyIsRefusedBeforeAnyRunNamingTheFileAndKey() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = try tinyStudySetup(in: root)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: study))) as! [String: Any]
        object["regimes"] = [["regime": "real-fraction"]]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: study))
        try expectRefusal(["study", study, "--runs", "\(root)/Runs"], mentioning: [study, "regime real-fraction needs realFraction"])
        object["regimes"] = [["regime": "replace", "gamma": 1]]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: study))
        try expectRefusal(["study", study, "--runs", "\(root)/Runs"], mentioning: [study, "unknown key 'regimes[0].gamma'"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/Runs/tinystudy"))
    }
}
