import Evaluation
import Foundation
import Statistics
import Storage

extension RunDirectory {
    /// One run's generation in a comparison: each metric's mean over the seeds that finished
    /// it (perplexities: geometric means) and its 95 % interval.
    public struct ComparisonRow: Codable, Sendable, Equatable {
        public var run: String
        public var generation: Int
        /// How many seeds the means are over.
        public var seeds: Int
        public var testPerplexity: Double
        public var p1: Double
        public var p50: Double
        public var p99: Double
        public var belowReferenceP1: Double
        public var aboveReferenceP99: Double
        public var tailSurvivalTwoToTen: Double?
        public var tailSurvivalElevenToHundred: Double?
        public var unigramKL: Double
        public var distinct2: Double
        /// Per metric (the names above): its 95 % interval, the standard deviation over seeds
        /// and how the interval was computed.
        public var intervals: [String: Interval]
    }

    /// A generation two runs both reached: each metric's change from the baseline run (the
    /// ratio for perplexities, the difference otherwise) with its 95 % interval.
    public struct ComparisonDifference: Codable, Sendable, Equatable {
        public var run: String
        public var baseline: String
        public var generation: Int
        public var changes: [String: Interval]
    }

    /// What `compare` reports: every run's rows, and every later run's changes from the first.
    public struct Comparison: Codable, Sendable, Equatable {
        public var rows: [ComparisonRow]
        public var differences: [ComparisonDifference]
    }

    /// Replicates drawn per interval (and per side of a difference).
    static let comparisonReplicates = 1000

    /// Rows of every run and generation that at least one seed finished, and the changes of
    /// every run after the first from the first.
    /// - Complexity: O(seeds) per metric and generation; for a generation only one seed
    ///   finished, a bootstrap of its per-sequence tables, O(replicates × sequences).
    public static func comparison(of runs: [RunDirectory]) throws -> Comparison {
        let compared = try runs.map { try $0.comparedGenerations() }
        var differences: [ComparisonDifference] = []
        for (run, generations) in zip(runs.dropFirst(), compared.dropFirst()) {
            for (after, before) in zip(generations, compared[0]) {
                differences.append(ComparisonDifference(run: run.configuration.name, baseline: runs[0].configuration.name,
                                                        generation: after.generation, changes: after.changes(from: before)))
            }
        }
        return Comparison(rows: compared.flatMap { $0.map(\.row) }, differences: differences)
    }

    /// Every generation of this run that at least one seed finished.
    func comparedGenerations() throws -> [ComparedGeneration] {
        let finished = try finishedMetrics()
        let generations = finished.map(\.metrics.count).max() ?? 0
        guard generations > 0 else { throw CollapseError("no finished generation to compare yet", path: path) }
        return try (0..<generations).map { k in
            let seeds = finished.filter { $0.metrics.count > k }
            let references = try seeds.map { seed -> PercentileSummary in
                guard let reference = seed.metrics[0].reference else {
                    throw CollapseError("generation 0 metrics lack the reference", path: "\(path)/seed-\(seed.seed)/gen-0/metrics.json")
                }
                return reference
            }
            let tests = try seeds.compactMap { try sequenceValues("seed-\($0.seed)/gen-\(k)/test-perplexity.tsv") }
            // Seeds whose corpora are the same (an n-gram's generation 0) are one sample, not several.
            let generated = seeds.allSatisfy { $0.metrics[k].generated == seeds[0].metrics[k].generated }
                ? try sequenceValues("seed-\(seeds[0].seed)/gen-\(k)/sequence-perplexity.tsv") : nil
            return ComparedGeneration(run: configuration.name, generation: k, metrics: seeds.map { $0.metrics[k] }, references: references,
                                      testTables: tests.count == seeds.count ? tests : nil, generatedTable: generated)
        }
    }

    /// The values of a per-sequence table a finished stage recorded; nil when none did (runs of
    /// earlier versions wrote no test table).
    func sequenceValues(_ file: String) throws -> [Double]? {
        guard let verified = try verifiedPath(file) else { return nil }
        var values: [Double] = []
        try SequenceTable.read(verified, appendingTo: &values)
        return values
    }
}

/// One run's generation as compared: its seeds' metrics, the test blocks' log perplexities
/// averaged over the seeds, and — where the seeds' corpora are one sample (one seed, or seeds
/// that wrote the same corpus) — the bootstrap of that sample's per-sequence figures.
///
/// Intervals: test perplexity's carries two independent parts, the spread of the seeds (t over
/// them) and the sampling of the real test blocks all seeds share (the variance of their mean
/// log perplexity); another figure of the generated sequences is t over the seeds, each value
/// taken from all its seed's sequences, since each seed writes a sample of its own and its
/// value's spread already holds that sampling; one sample is bootstrapped over its sequences.
/// The hierarchical bootstrap (seeds, then sequences) is not used here: the Statistics tests
/// measure it missing the truth far more than 1 time in 20 with two or three seeds.
struct ComparedGeneration {
    let run: String
    let generation: Int
    let metrics: [GenerationMetrics]
    /// Per real test block, the mean over seeds of its log perplexity (nil for runs whose
    /// evaluations wrote no test table).
    let testBlockLogs: [Double]?
    /// Bootstrap replicates of the generated sequences' figures, when the seeds are one sample.
    let replicates: (names: [String], draws: HierarchicalBootstrap.Replicates)?

    init(run: String, generation: Int, metrics: [GenerationMetrics], references: [PercentileSummary], testTables: [[Double]]?,
         generatedTable: [Double]?) {
        (self.run, self.generation, self.metrics) = (run, generation, metrics)
        testBlockLogs = testTables.flatMap { tables in
            guard let count = tables.first?.count, count > 1, tables.allSatisfy({ $0.count == count }) else { return nil }
            return (0..<count).map { block in tables.reduce(0) { $0 + log($1[block]) } / Double(tables.count) }
        }
        replicates = generatedTable.map { values in
            let chosen = ComparedMetric.all.filter { $0.sequences?.table == .generated }
            let bootstrap = HierarchicalBootstrap(groups: [values], replicates: RunDirectory.comparisonReplicates,
                                                  seed: XXHash64.hash(Array("\(run)|\(generation)".utf8)))
            return (chosen.map(\.name), bootstrap.replicates(chosen.compactMap { $0.sequences?.statistic.statistic(references: [references[0]]) }))
        }
    }

    /// Each metric's per-seed values; nil when a seed lacks it.
    func perSeed(_ metric: ComparedMetric) -> [Double]? {
        let values = metrics.compactMap(metric.value)
        return values.count == metrics.count ? values : nil
    }

    /// Whether the seeds are one sample: a single seed, or seeds that wrote the same corpus.
    var oneSample: Bool { metrics.count == 1 || replicates != nil }

    var sampleNote: String { metrics.count == 1 ? "one seed" : "the \(metrics.count) seeds wrote the same corpus" }

    /// The test blocks' part of the variance of the mean log test perplexity.
    var testBlockPart: (variance: Double, freedom: Double)? {
        testBlockLogs.map { (pow(Descriptive.standardDeviation($0), 2) / Double($0.count), Double($0.count - 1)) }
    }

    /// A metric's mean with the parts of its estimate's variance; nil where none can be had.
    func meanEstimate(_ metric: ComparedMetric, blocks: Bool = true) -> (estimate: SeedInterval.MeanEstimate, method: String)? {
        guard let values = perSeed(metric) else { return nil }
        let center = Descriptive.mean(values.map(metric.scale.transformed))
        let seedPart = values.count > 1 && !(oneSample && metric.sequences?.table != .test)
            ? SeedInterval.MeanEstimate(seeds: values, scale: metric.scale)?.parts ?? [] : []
        let seeds = seedPart.isEmpty ? nil : "t over \(values.count) seeds"
        switch metric.sequences?.table {
        case .test?:
            guard let part = testBlockPart else { return seeds.map { (SeedInterval.MeanEstimate(center: center, parts: seedPart), $0) } }
            let tested = "the \(testBlockLogs?.count ?? 0) test blocks"
            return (SeedInterval.MeanEstimate(center: center, parts: seedPart + (blocks ? [part] : [])),
                    seeds.map { "\($0) and \(tested)" } ?? "t over \(tested) only (one seed)")
        case .generated?:
            if let replicates, let index = replicates.names.firstIndex(of: metric.name) {
                return (SeedInterval.MeanEstimate(center: center, standardError: replicates.draws.standardError(index), freedom: 1e6),
                        "bootstrap over sequences only (\(sampleNote))")
            }
            return seeds.map { (SeedInterval.MeanEstimate(center: center, parts: seedPart), $0) }
        case nil:
            return seeds.map { (SeedInterval.MeanEstimate(center: center, parts: seedPart), $0) }
        }
    }

    /// Each metric's 95 % interval (see the type's note); a point where none can be had, saying why.
    var intervals: [String: Interval] {
        var result: [String: Interval] = [:]
        for metric in ComparedMetric.all {
            guard let values = perSeed(metric) else { continue }
            let deviation = values.count > 1 ? Descriptive.standardDeviation(values) : nil
            if metric.sequences?.table == .generated, let replicates, let index = replicates.names.firstIndex(of: metric.name) {
                var interval = replicates.draws.intervals()[index]
                interval.method = "bootstrap over sequences only (\(sampleNote))"
                interval.std = deviation
                result[metric.name] = interval
            } else if let (estimate, method) = meanEstimate(metric) {
                var interval = estimate.interval(scale: metric.scale, method: method)
                interval.std = deviation
                result[metric.name] = interval
            } else {
                let reason = metric.sequences == nil ? "\(sampleNote), and a whole-corpus measure" : "\(sampleNote), and no per-block test table (a run of an earlier version)"
                result[metric.name] = .unavailable(metric.scale.mean(values), std: deviation, because: reason)
            }
        }
        return result
    }

    /// Each metric's change from `baseline`'s with its interval: from both means' variance parts
    /// (test perplexity paired over the test blocks both runs score); between two single
    /// samples, the percentile interval of their bootstraps' changes.
    func changes(from baseline: ComparedGeneration) -> [String: Interval] {
        var result: [String: Interval] = [:]
        for metric in ComparedMetric.all {
            guard let after = perSeed(metric), let before = baseline.perSeed(metric) else { continue }
            if metric.sequences?.table == .generated, let mine = replicates, let theirs = baseline.replicates,
               let index = mine.names.firstIndex(of: metric.name) {
                var change = mine.draws.differences(from: theirs.draws)[index]
                change.method = "\(metric.scale == .logarithmic ? "ratio" : "difference") of independent bootstraps over sequences (\(sampleNote), against \(baseline.sampleNote))"
                result[metric.name] = change
                continue
            }
            let paired = metric.sequences?.table == .test ? pairedTestPart(against: baseline) : nil
            if let a = baseline.meanEstimate(metric, blocks: paired == nil), let b = meanEstimate(metric, blocks: paired == nil) {
                result[metric.name] = SeedInterval.difference(a.estimate, b.estimate, shared: paired.map { [$0] } ?? [], scale: metric.scale,
                                                              method: "Welch t (\(b.method), against \(a.method))" + (paired == nil ? "" : ", paired over the test blocks"))
            } else {
                result[metric.name] = SeedInterval.difference(before, after, scale: metric.scale)
            }
        }
        return result
    }

    /// The variance of the mean change in log perplexity over the test blocks both runs scored.
    func pairedTestPart(against baseline: ComparedGeneration) -> (variance: Double, freedom: Double)? {
        guard let mine = testBlockLogs, let theirs = baseline.testBlockLogs, mine.count == theirs.count else { return nil }
        let changes = zip(mine, theirs).map { $0 - $1 }
        return (pow(Descriptive.standardDeviation(changes), 2) / Double(changes.count), Double(changes.count - 1))
    }

    var row: RunDirectory.ComparisonRow {
        let intervals = self.intervals
        let estimate = { (name: String) in intervals[name]?.estimate ?? .nan }
        return RunDirectory.ComparisonRow(
            run: run, generation: generation, seeds: metrics.count, testPerplexity: estimate("testPerplexity"), p1: estimate("p1"),
            p50: estimate("p50"), p99: estimate("p99"), belowReferenceP1: estimate("belowReferenceP1"),
            aboveReferenceP99: estimate("aboveReferenceP99"), tailSurvivalTwoToTen: intervals["tailSurvivalTwoToTen"]?.estimate,
            tailSurvivalElevenToHundred: intervals["tailSurvivalElevenToHundred"]?.estimate, unigramKL: estimate("unigramKL"),
            distinct2: estimate("distinct2"), intervals: intervals)
    }
}
