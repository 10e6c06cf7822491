import Foundation
import Testing
import TestSupport
@testable import CorpusStore
@testable import Evaluation
@testable import LanguageModeling
@testable import NGram
@testable import Pipeline
@testable import Storage
@testable import Tokenization


/// The shipped tiny configuration, pointed at `corpus`, with overrides.
func tinyConfiguration(corpus: String, in root: String, _ overrides: [String: Any] = [:]) throws -> String {
    let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/tiny.json")
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: shipped)) as! [String: Any]
    object["corpus"] = corpus
    for (key, value) in overrides { object[key] = value }
    let path = "\(root)/config-\(UInt32.random(in: 0...UInt32.max)).json"
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
    return path
}

/// Every file of a run except the manifest (which records timings), with its bytes.
func artifacts(_ directory: String) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    func walk(_ relative: String) throws {
        let path = relative.isEmpty ? directory : "\(directory)/\(relative)"
        for name in try FileSystem.contents(of: path) {
            let child = relative.isEmpty ? name : "\(relative)/\(name)"
            if FileSystem.isDirectory("\(directory)/\(child)") { try walk(child) } else if name != "manifest.json" {
                files[child] = try InputFile(path: "\(directory)/\(child)").readAll()
            }
        }
    }
    try walk("")
    return files
}

@Suite struct RunTests {
    @Test func tinyRunWritesEveryArtifactAndIsDeterministic() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let corpus = try makeTinyCorpus(in: root)
        let config = try tinyConfiguration(corpus: corpus, in: root)
        let first = try RunExecutor(configurationPath: config, runsRoot: "\(root)/a", resume: false, threads: 2)
        try first.run()
        for seed in [1, 2] {
            for k in 0..<3 {
                for file in ["model.mcngram", "corpus.blocks", "corpus.txt.zst", "metrics.json", "sequence-perplexity.tsv"] {
                    #expect(FileSystem.exists("\(root)/a/tiny/seed-\(seed)/gen-\(k)/\(file)"), "seed \(seed) gen \(k) \(file)")
                }
            }
        }
        // Same configuration, one thread: the same bytes.
        let second = try RunExecutor(configurationPath: config, runsRoot: "\(root)/b", resume: false, threads: 1)
        try second.run()
        #expect(try artifacts("\(root)/a/tiny") == artifacts("\(root)/b/tiny"))
        // Different seeds choose different real blocks, so their later generations differ.
        let seed1 = try InputFile(path: "\(root)/a/tiny/seed-1/gen-2/corpus.blocks").readAll()
        let seed2 = try InputFile(path: "\(root)/a/tiny/seed-2/gen-2/corpus.blocks").readAll()
        #expect(seed1 != seed2)
    }

    @Test func reportIsOneSelfContainedPageWithEveryPlot() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let corpus = try makeTinyCorpus(in: root)
        let config = try tinyConfiguration(corpus: corpus, in: root)
        try RunExecutor(configurationPath: config, runsRoot: root, resume: false, threads: 2).run()
        let path = try RunDirectory(path: "\(root)/tiny").writeReport()
        let html = try InputFile.readText(path: path)
        #expect(html.components(separatedBy: "<svg").count - 1 == 5)
        #expect(html.components(separatedBy: "http://").count - 1 == 5) // the SVG namespaces, nothing fetched
        #expect(!html.contains("<script") && !html.contains("<link"))
        #expect(html.contains("<h2>Samples</h2>") && html.contains("Gen 2:"))
        #expect(html.components(separatedBy: "class=\"mark\"").count - 1 >= 2 + 1 + 4 * 2 + 2 + 3)
        let tsv = try InputFile.readText(path: "\(root)/tiny/metrics.tsv").split(separator: "\n")
        #expect(tsv[0] == "run\tseed\tgeneration\tmetric\tvalue")
        #expect(tsv.count == 1 + 2 * 3 * 19)
    }

    @Test func compareTwoRunsAsTableTSVJSONAndPlots() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let corpus = try makeTinyCorpus(in: root)
        try RunExecutor(configurationPath: try tinyConfiguration(corpus: corpus, in: root, ["name": "gamma"]), runsRoot: root, resume: false, threads: 2).run()
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try tinyConfiguration(corpus: corpus, in: root, ["name": "replace", "regime": "replace", "generations": 2])))) as! [String: Any]
        object.removeValue(forKey: "realFraction")
        let replaceConfig = "\(root)/replace.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: replaceConfig))
        try RunExecutor(configurationPath: replaceConfig, runsRoot: root, resume: false, threads: 2).run()
        let runs = try ["gamma", "replace"].map { try RunDirectory(path: "\(root)/\($0)") }
        let comparison = try RunDirectory.comparison(of: runs)
        let rows = comparison.rows
        #expect(rows.map(\.run) == ["gamma", "gamma", "gamma", "replace", "replace"])
        let gammaZero = try runs[0].metrics(seed: 1)[0], gammaZeroSeed2 = try runs[0].metrics(seed: 2)[0]
        // Perplexities average as logs over the seeds; shares arithmetically.
        #expect(abs(rows[0].testPerplexity - (gammaZero.testPerplexity * gammaZeroSeed2.testPerplexity).squareRoot()) < 1e-9 * rows[0].testPerplexity)
        #expect(abs(rows[0].aboveReferenceP99 - (gammaZero.aboveReferenceP99 + gammaZeroSeed2.aboveReferenceP99) / 2) < 1e-12)
        // Every metric of every row has an interval around its mean; test perplexity's is not a point.
        for row in rows {
            #expect(Set(row.intervals.keys) == Set(["testPerplexity", "p1", "p50", "p99", "belowReferenceP1", "aboveReferenceP99",
                                                    "tailSurvivalTwoToTen", "tailSurvivalElevenToHundred", "unigramKL", "distinct2"]))
            for (name, interval) in row.intervals {
                #expect(interval.low <= interval.estimate && interval.estimate <= interval.high, "\(row.run) \(row.generation) \(name): \(interval)")
            }
            #expect(row.intervals["testPerplexity"].map { $0.low < $0.high && $0.method.hasPrefix("t over 2 seeds and the ") } == true,
                    "\(row.intervals["testPerplexity"].map { "\($0)" } ?? "")")
        }
        // Generation 0's two n-gram seeds are one model and one corpus: one sample, said so.
        #expect(rows[0].intervals["p99"]?.method == "bootstrap over sequences only (the 2 seeds wrote the same corpus)")
        #expect(rows[0].intervals["distinct2"]?.method == "none: the 2 seeds wrote the same corpus, and a whole-corpus measure")
        // Real-fraction draws each seed's real blocks from the seed: the later generations differ.
        for row in rows where row.generation > 0 && row.run == "gamma" {
            #expect(row.intervals["p99"]?.method == "t over 2 seeds" && row.intervals["distinct2"]?.method == "t over 2 seeds")
        }
        // The second run's changes from the first, generation by generation.
        #expect(comparison.differences.map(\.generation) == [0, 1])
        #expect(comparison.differences.allSatisfy { $0.run == "replace" && $0.baseline == "gamma" && $0.changes["testPerplexity"] != nil })
        let text = comparison.text(runs: runs)
        #expect(text.contains("gamma (2 seeds)") && text.contains("replace against gamma"), "\(text)")
        #expect(text.contains("test ppl ratio") && text.contains("(generations 1, 2): t over 2 seeds") && text.contains("paired over the test blocks"), "\(text)")
        let tsv = comparison.tsv.split(separator: "\n")
        #expect(tsv.count == 1 + 5 + 2 && tsv[0].hasPrefix("kind\trun\tbaseline\tgeneration\tseeds\ttest_perplexity\ttest_perplexity_low"))
        let decoded = try JSONDecoder().decode(RunDirectory.Comparison.self, from: Data(comparison.json().utf8))
        #expect(decoded == comparison)
        let files = try RunDirectory.writeComparison(runs, to: "\(root)/comparison")
        #expect(files.count == 5)
        for file in files where file.hasSuffix(".svg") {
            #expect(try InputFile.readText(path: file).contains("class=\"mark\""))
        }
    }

    @Test func generationZeroTestPerplexityEqualsScoringTheModel() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let corpus = try makeTinyCorpus(in: root)
        let config = try tinyConfiguration(corpus: corpus, in: root, ["generations": 1, "seeds": [7]])
        try RunExecutor(configurationPath: config, runsRoot: root, resume: false, threads: 2).run()
        let metrics = try JSONDecoder().decode(GenerationMetrics.self, from: Data(InputFile(path: "\(root)/tiny/seed-7/gen-0/metrics.json").readAll()))
        let model = try NGramLanguageModel.load(from: "\(root)/tiny/seed-7/gen-0/model.mcngram")
        let scored = try model.score(textPath: "\(root)/source/test.txt", mode: .block, blockSize: 16)
        #expect(metrics.testPerplexity == scored.perplexity)
        #expect(metrics.testTokens == scored.tokens)
        #expect(metrics.testSentencePerplexity == (try model.score(textPath: "\(root)/source/test.txt", mode: .sentence).perplexity))
        // The reference is every real training block, scored by generation 0.
        #expect(metrics.reference?.count == (try Corpus(path: corpus).manifest.record(for: .train)?.statistics.blocks))
        #expect(metrics.generatedHistogram.counts.reduce(0, +) == metrics.generated.count)
    }

    @Test func regimesAssembleTheirTrainingData() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let corpus = try makeTinyCorpus(in: root)
        let realBlocks = try Corpus(path: corpus).manifest.record(for: .train)!.statistics.blocks
        for (name, regime, fraction, expected) in [("replace", "replace", nil, [realBlocks, realBlocks, realBlocks]),
                                                   ("accumulate", "accumulate", nil, [realBlocks, 2 * realBlocks, 3 * realBlocks]),
                                                   ("gamma", "real-fraction", 0.5, [realBlocks, realBlocks, realBlocks])] as [(String, String, Double?, [Int])] {
            var overrides: [String: Any] = ["name": name, "regime": regime, "seeds": [3]]
            overrides["realFraction"] = fraction ?? NSNull()
            if fraction == nil { overrides.removeValue(forKey: "realFraction") }
            let config = try tinyConfiguration(corpus: corpus, in: root, overrides)
            if fraction == nil {
                // The shipped tiny config has realFraction; drop it for other regimes.
                var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config))) as! [String: Any]
                object.removeValue(forKey: "realFraction")
                try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: config))
            }
            try RunExecutor(configurationPath: config, runsRoot: root, resume: false, threads: 2).run()
            for k in 0..<3 {
                let metrics = try JSONDecoder().decode(GenerationMetrics.self, from: Data(InputFile(path: "\(root)/\(name)/seed-3/gen-\(k)/metrics.json").readAll()))
                #expect(metrics.trainingBlocks == expected[k], "\(name) generation \(k)")
            }
        }
    }

    @Test func realFractionDrawsAFreshSubsetEachGeneration() throws {
        let one = realSubset(seed: 1, generation: 1, count: 1000, fraction: 0.1)
        let two = realSubset(seed: 1, generation: 2, count: 1000, fraction: 0.1)
        #expect(one.count { $0 } == 100 && two.count { $0 } == 100)
        #expect(one != two)
        #expect(one == realSubset(seed: 1, generation: 1, count: 1000, fraction: 0.1))
        #expect(realSubset(seed: 1, generation: 1, count: 10, fraction: 0).allSatisfy { !$0 })
        #expect(realSubset(seed: 1, generation: 1, count: 10, fraction: 1).allSatisfy { $0 })
    }
}

@Suite struct ConfigurationTests {
    func expectRefused(_ overrides: [String: Any], mentioning fragment: String, removing: String? = nil) throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let corpus = try makeTinyCorpus(in: root)
        // An existing run that must not change.
        let good = try tinyConfiguration(corpus: corpus, in: root, ["generations": 1, "seeds": [1]])
        try RunExecutor(configurationPath: good, runsRoot: "\(root)/Runs", resume: false, threads: 2).run()
        let before = try artifacts("\(root)/Runs/tiny")
        let manifest = try InputFile(path: "\(root)/Runs/tiny/manifest.json").readAll()
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: good))) as! [String: Any]
        for (key, value) in overrides { object[key] = value }
        if let removing { object.removeValue(forKey: removing) }
        let bad = "\(root)/bad.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: bad))
        do {
            _ = try RunExecutor(configurationPath: bad, runsRoot: "\(root)/Runs", resume: true, threads: 2)
            Issue.record("accepted: \(overrides)")
        } catch let error as CollapseError {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.path == bad)
            #expect(!error.description.contains("\n"))
        }
        #expect(try artifacts("\(root)/Runs/tiny") == before)
        #expect(try InputFile(path: "\(root)/Runs/tiny/manifest.json").readAll() == manifest)
    }

    @Test func unknownKey() throws { try expectRefused(["temperature": 0.7], mentioning: "unknown key 'temperature'") }
    @Test func gammaOutsideUnitInterval() throws { try expectRefused(["realFraction": 1.5], mentioning: "realFraction must be within 0.0…1.0 (got 1.5)") }
    @Test func blockSizeBelowTwo() throws { try expectRefused(["blockSize": 1], mentioning: "blockSize must be within 2…1024 (got 1)") }
    @Test func missingCorpus() throws { try expectRefused(["corpus": "/nonexistent/corpus"], mentioning: "no such corpus directory") }
    @Test func missingKey() throws { try expectRefused(["model": ["family": "ngram"]], mentioning: "missing key 'model.order'") }
    @Test func flatModelKeysOfAnEarlierVersion() throws {
        try expectRefused(["model": "ngram", "order": 3, "discountFallback": true],
                          mentioning: "'model' must be an object naming its family and settings, e.g. \"model\": {\"family\": \"ngram\", \"order\": 3, \"discountFallback\": true}")
    }
    @Test func corpusTokenizerMismatch() throws { try expectRefused(["tokenizer": "icu"], mentioning: "the configuration says icu") }
    @Test func changedConfigurationOnResume() throws { try expectRefused(["beams": 4], mentioning: "different configuration") }
}
