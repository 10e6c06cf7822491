import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct NeuralRunTests {
    /// A transformer run gives the same bytes at 1 and at 2 threads, and reads like an n-gram
    /// run: report, samples, and a comparison beside an n-gram run on the same corpus.
    @Test func aTransformerRunIsTheSameAtEveryThreadCountAndComparesWithAnNGramRun() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let neural = try tinyNeuralRunSetup(in: root)
        for threads in ["1", "2"] {
            let run = try Collapse.run(["run", neural, "--runs", "\(root)/threads-\(threads)", "--threads", threads], environment: ["COLLAPSE_QUIET": "1"])
            #expect(run.status == 0, "\(run.error)")
        }
        let one = try runArtifacts("\(root)/threads-1/tiny-gpt2"), two = try runArtifacts("\(root)/threads-2/tiny-gpt2")
        let differing = Set(one.keys).union(two.keys).filter { one[$0] != two[$0] }.sorted()
        #expect(one.count > 20 && differing.isEmpty, "\(differing) differ between 1 and 2 threads")

        let ngram = try Collapse.run(["run", "\(root)/tiny.json", "--runs", "\(root)/threads-2"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(ngram.status == 0, "\(ngram.error)")
        let compared = try Collapse.run(["compare", "\(root)/threads-2/tiny", "\(root)/threads-2/tiny-gpt2", "--format", "tsv"])
        #expect(compared.status == 0, "\(compared.error)")
        let runs = Set(compared.output.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false)[1] })
        #expect(runs == ["tiny", "tiny-gpt2"], "\(compared.output)")
        // One seed: the per-sequence figures' intervals are over sequences only, and say so.
        let oneSeed = compared.output.split(separator: "\n").filter { $0.hasPrefix("run\ttiny-gpt2\t") }
        #expect(!oneSeed.isEmpty && oneSeed.allSatisfy { $0.contains("\tbootstrap over sequences only (one seed)\t") })
        let report = try Collapse.run(["report", "\(root)/threads-2/tiny-gpt2"])
        #expect(report.status == 0, "\(report.error)")
        let html = try String(contentsOfFile: "\(root)/threads-2/tiny-gpt2/report.html", encoding: .utf8)
        #expect(html.contains("gpt2"))
        let samples = try Collapse.run(["samples", "\(root)/threads-2/tiny-gpt2", "--block", "0"])
        #expect(samples.status == 0 && !samples.output.isEmpty, "\(samples.error)")
    }
}
