import Foundation
import Testing
import TestSupport
@testable import LanguageModeling
@testable import Pipeline
@testable import Storage

/// The pipeline with a family it has never heard of (the test-only table model): everything it
/// writes, resumes and reports goes through the family interface alone.
@Suite struct TableFamilyRunTests {
    func options(_ family: TableFamily = TableFamily(), resume: Bool = false, threads: Int = 2, batch: Int = 16) -> RunOptions {
        RunOptions(registry: FamilyRegistry([family]), resume: resume, threads: threads, batch: batch)
    }

    @Test func aRunWritesEveryArtifactResumesAfterAnInterruptionAndIsDeterministic() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let corpus = try makeTinyCorpus(in: root)
        let config = try tinyConfiguration(corpus: corpus, in: root, ["model": ["family": "table"]])
        try RunExecutor(configurationPath: config, runsRoot: "\(root)/a", options: options()).run()
        for seed in [1, 2] {
            for k in 0..<3 {
                for file in ["model.table", "corpus.blocks", "corpus.txt.zst", "metrics.json", "sequence-perplexity.tsv"] {
                    #expect(FileSystem.exists("\(root)/a/tiny/seed-\(seed)/gen-\(k)/\(file)"), "seed \(seed) gen \(k) \(file)")
                }
            }
        }
        let expected = try artifacts("\(root)/a/tiny")
        let run = try RunDirectory(path: "\(root)/a/tiny")
        #expect(run.configuration.model.settings == .object(["family": .string("table"), "smoothing": .number("0.5")]))
        let metrics = try run.metrics(seed: 1)
        #expect(metrics.count == 3 && metrics.allSatisfy { $0.testSentencePerplexity == nil && $0.testPerplexity.isFinite })

        // One thread, lockstep batches of 3: the same bytes.
        try RunExecutor(configurationPath: config, runsRoot: "\(root)/b", options: options(threads: 1, batch: 3)).run()
        #expect(try artifacts("\(root)/b/tiny") == expected)

        // Interrupted in its fourth training stage (seed 2, generation 0), then resumed.
        #expect(throws: CollapseError.self) {
            try RunExecutor(configurationPath: config, runsRoot: "\(root)/c", options: options(TableFamily(interruptingTrainingCall: 4))).run()
        }
        #expect(!FileSystem.exists("\(root)/c/tiny/seed-2/gen-0/model.table"))
        try RunExecutor(configurationPath: config, runsRoot: "\(root)/c", options: options(resume: true)).run()
        #expect(try artifacts("\(root)/c/tiny") == expected)
        #expect(try RunDirectory(path: "\(root)/c/tiny").writeReport().hasSuffix("report.html"))
    }

    @Test func anUnknownFamilyIsRefusedNamingTheKnownOnes() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let corpus = try makeTinyCorpus(in: root)
        let config = try tinyConfiguration(corpus: corpus, in: root, ["model": ["family": "lstm"]])
        #expect(throws: CollapseError("model family 'lstm' is not available (known: table)", path: config)) {
            _ = try RunExecutor(configurationPath: config, runsRoot: root, options: options())
        }
    }
}
