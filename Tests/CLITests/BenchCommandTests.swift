import Foundation
import Testing
import TestSupport

@Suite struct BenchCommandTests {
    /// KenLM's folder is checked before any work, and only taken with the n-gram figures.
    @Test func aKenLMFolderWithoutItsBinariesIsRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try expectOneLineError(["bench", "--kenlm", root, "--wikitext", root], mentioning: ["--kenlm: \(root)/lmplz is not an executable file"])
        try expectOneLineError(["bench", "--kenlm", root, "--skip-ngram"], mentioning: ["--kenlm compares the n-gram: leave out --skip-ngram"])
    }

    /// With a finished run, the bench recomputes its metrics and sums the stage times the
    /// manifest recorded.
    @Test func aRunsRecordedStageTimesAreReported() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        let run = try Collapse.run(["run", config, "--runs", "\(root)/Runs"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(run.status == 0, "\(run.error)")
        let bench = try Collapse.run(["bench", "--skip-ngram", "--run", "\(root)/Runs/tiny", "--out", "\(root)/bench.json"],
                                     environment: ["COLLAPSE_QUIET": "1"])
        #expect(bench.status == 0, "\(bench.error)")
        for metric in ["recompute all generations", "all stages as recorded", "slowest generation stage"] {
            #expect(bench.output.contains(metric), "\(metric)")
        }
        let json = try String(contentsOfFile: "\(root)/bench.json", encoding: .utf8)
        #expect(json.contains("slowest generation stage"))
    }
}
