import Foundation
import Testing
import TestSupport

/// A tiny corpus (through the CLI) and the shipped tiny configuration pointed at it.
func tinyRunSetup(in root: String) throws -> String {
    var state: UInt64 = 77
    func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
    try FileManager.default.createDirectory(atPath: "\(root)/source", withIntermediateDirectories: true)
    for (split, lines) in [("train", 700), ("valid", 60), ("test", 60)] {
        let text = (0..<lines).map { _ in
            (0..<(3 + next() % 12)).map { _ in "w\((next() % 120) * (next() % 120) / 120)" }.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
        try text.write(toFile: "\(root)/source/\(split).txt", atomically: true, encoding: .utf8)
    }
    let imported = try Collapse.run(["corpus", "import", "\(root)/source", "--name", "tiny", "--tokenizer", "whitespace",
                                     "--block-size", "16", "--corpora", "\(root)/Corpora"], environment: ["COLLAPSE_QUIET": "1"])
    guard imported.status == 0 else { throw CocoaError(.fileWriteUnknown) }
    return try fixtureConfiguration("tiny", corpus: "\(root)/Corpora/tiny", in: root)
}

/// `Tests/Fixtures/NAME.json` with its corpus pointed at `corpus`, written as `root/NAME.json`.
func fixtureConfiguration(_ name: String, corpus: String, in root: String) throws -> String {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/\(name).json")
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as! [String: Any]
    object["corpus"] = corpus
    let config = "\(root)/\(name).json"
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: config))
    return config
}

/// Every file under a run directory except the manifest (it records timings).
func runArtifacts(_ directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: "\(directory)/\(relative)", isDirectory: &isDirectory)
        if !isDirectory.boolValue && !relative.hasSuffix("manifest.json") {
            files[relative] = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(relative)"))
        }
    }
    return files
}

/// Runs `config` once to the end, then again and again, each time killed with SIGKILL at one of
/// `fractions` of the first run's duration and resumed with `--resume`. Checks every resumed
/// run ends with the first run's files, and hands each killed run's files (before resuming) to
/// `inspect`. Returns how many runs the kill stopped before they finished.
func killAndResume(_ config: String, name: String, in root: String, fractions: [Double], whenWritten triggers: [String] = [],
                   arguments: [String] = [], inspect: ([String: Data]) -> Void = { _ in }) throws -> Int {
    let quiet = ["COLLAPSE_QUIET": "1"]
    let start = Date()
    let reference = try Collapse.run(["run", config, "--runs", "\(root)/reference"] + arguments, environment: quiet)
    #expect(reference.status == 0, "\(reference.error)")
    let duration = Date().timeIntervalSince(start)
    let expected = try runArtifacts("\(root)/reference/\(name)")
    #expect(expected.count > 20)
    var interrupted = 0
    let kills = fractions.map { (fraction: $0, trigger: String?.none) } + triggers.map { (fraction: 1.0, trigger: String?.some($0)) }
    for (attempt, (fraction, trigger)) in kills.enumerated() {
        let runs = "\(root)/killed-\(attempt)"
        let process = Process()
        process.executableURL = Collapse.executable
        process.arguments = ["run", config, "--runs", runs] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(quiet) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let trigger {
            // As soon as a file ending in `trigger` appears (or the run ends without one).
            while process.isRunning && !filesUnder(runs).contains(where: { $0.hasSuffix(trigger) }) { usleep(2_000) }
        } else {
            usleep(useconds_t(duration * fraction * 1_000_000))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal { interrupted += 1 }
        inspect(try runArtifacts("\(runs)/\(name)"))
        let resumed = try Collapse.run(["run", config, "--runs", runs, "--resume"] + arguments, environment: quiet)
        #expect(resumed.status == 0, "\(resumed.error)")
        let after = try runArtifacts("\(runs)/\(name)")
        let differing = Set(after.keys).union(expected.keys).filter { after[$0] != expected[$0] }.sorted()
        #expect(differing.isEmpty, "killed at \(trigger ?? "\(fraction) of the run"): \(differing) differ")
    }
    return interrupted
}

/// Every file below `directory`, as paths relative to it.
func filesUnder(_ directory: String) -> [String] {
    (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String]) ?? []
}

@Suite(.serialized) struct RunResumeTests {
    @Test func killedRunsResumeToIdenticalBytes() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Kills at moments of the first run's duration, and (what a busy machine cannot make
        // miss) as soon as given files appear.
        let interrupted = try killAndResume(try tinyRunSetup(in: root), name: "tiny", in: root, fractions: [0.1, 0.5, 0.9],
                                            whenWritten: ["seed-1/gen-1/model.mcngram", "seed-1/gen-2/corpus.blocks", "seed-2/gen-0/metrics.json"])
        #expect(interrupted >= 3, "only \(interrupted) runs were killed before finishing")
    }

    @Test func damagedCorpusIsReportedAndRecomputed() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        #expect(try Collapse.run(["run", config, "--runs", root], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
        let expected = try runArtifacts("\(root)/tiny")
        let damaged = "\(root)/tiny/seed-1/gen-1/corpus.blocks"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        bytes[bytes.count / 2] ^= 0x5A
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let resumed = try Collapse.run(["run", config, "--runs", root, "--resume"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(resumed.status == 0)
        #expect(resumed.error.contains(damaged) && resumed.error.contains("recomputing seed-1/gen-1/generate"), "\(resumed.error)")
        #expect(try runArtifacts("\(root)/tiny") == expected)
        // Without --resume an existing run is refused and left alone.
        let again = try Collapse.run(["run", config, "--runs", root], environment: ["COLLAPSE_QUIET": "1"])
        #expect(again.status != 0 && again.error.contains("use --resume"))
    }
}

/// The tiny corpus of `tinyRunSetup` with the test-only GPT-2 configuration pointed at it.
func tinyNeuralRunSetup(in root: String) throws -> String {
    _ = try tinyRunSetup(in: root)
    return try fixtureConfiguration("tiny-gpt2", corpus: "\(root)/Corpora/tiny", in: root)
}

@Suite(.serialized) struct NeuralRunResumeTests {
    /// kill -9 anywhere in a transformer run (inside an epoch of training, between epochs,
    /// while generating), then `--resume`: the same files as a run never interrupted.
    @Test func killedNeuralRunsResumeToIdenticalBytes() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var midTraining = 0
        _ = try killAndResume(try tinyNeuralRunSetup(in: root), name: "tiny-gpt2", in: root, fractions: [0.15, 0.3, 0.45, 0.6, 0.75, 0.9],
                              whenWritten: ["work/training-checkpoint.safetensors"], arguments: ["--threads", "2"]) { files in
            if files.keys.contains(where: { $0.hasSuffix("work/training-checkpoint.safetensors") }) { midTraining += 1 }
        }
        #expect(midTraining >= 1, "no kill landed inside training after an epoch's checkpoint")
        let finished = try runArtifacts("\(root)/reference/tiny-gpt2")
        #expect(finished.keys.contains("seed-1/gen-2/model.safetensors") && !finished.keys.contains { $0.contains("/work/") })
    }
}
