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
    /// - Complexity: per run and generation, a hierarchical bootstrap over its seeds'
    ///   per-sequence tables: O(replicates × sequences).
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
            var tables: [ComparedMetric.Table: [[Double]]] = [:]
            for (table, file) in [(ComparedMetric.Table.test, "test-perplexity.tsv"), (.generated, "sequence-perplexity.tsv")] {
                let read = try seeds.compactMap { try sequenceValues("seed-\($0.seed)/gen-\(k)/\(file)") }.filter { !$0.isEmpty }
                if read.count == seeds.count { tables[table] = read }
            }
            return ComparedGeneration(run: configuration.name, generation: k, metrics: seeds.map { $0.metrics[k] }, references: references,
                                      tables: tables)
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

/// One run's generation as compared: its seeds' metrics and, where the per-sequence tables
/// are there, the bootstrap replicates of the metrics drawn from them.
struct ComparedGeneration {
    let run: String
    let generation: Int
    let metrics: [GenerationMetrics]
    /// Per table: its metrics' names and their replicates.
    let replicates: [ComparedMetric.Table: (names: [String], draws: HierarchicalBootstrap.Replicates)]

    init(run: String, generation: Int, metrics: [GenerationMetrics], references: [PercentileSummary], tables: [ComparedMetric.Table: [[Double]]]) {
        (self.run, self.generation, self.metrics) = (run, generation, metrics)
        var replicates: [ComparedMetric.Table: (names: [String], draws: HierarchicalBootstrap.Replicates)] = [:]
        for (table, groups) in tables {
            let chosen = ComparedMetric.all.filter { $0.sequences?.table == table }
            let seed = XXHash64.hash(Array("\(run)|\(generation)|\(table)".utf8))
            let bootstrap = HierarchicalBootstrap(groups: groups, replicates: RunDirectory.comparisonReplicates, seed: seed)
            replicates[table] = (chosen.map(\.name), bootstrap.replicates(chosen.compactMap { $0.sequences?.statistic.statistic(references: references) }))
        }
        self.replicates = replicates
    }

    /// Each metric's per-seed values; nil when a seed lacks it.
    func perSeed(_ metric: ComparedMetric) -> [Double]? {
        let values = metrics.compactMap(metric.value)
        return values.count == metrics.count ? values : nil
    }

    /// Each metric's interval: from the bootstrap of its table when there is one, else over seeds.
    var intervals: [String: Interval] {
        var result: [String: Interval] = [:]
        for metric in ComparedMetric.all {
            if let table = metric.sequences?.table, let drawn = replicates[table], let index = drawn.names.firstIndex(of: metric.name) {
                result[metric.name] = drawn.draws.intervals()[index]
            } else if let values = perSeed(metric) {
                result[metric.name] = SeedInterval.mean(values, scale: metric.scale)
            }
        }
        return result
    }

    /// Each metric's change from `baseline`'s with its interval.
    func changes(from baseline: ComparedGeneration) -> [String: Interval] {
        var result: [String: Interval] = [:]
        for metric in ComparedMetric.all {
            if let table = metric.sequences?.table, let after = replicates[table], let before = baseline.replicates[table],
               let index = after.names.firstIndex(of: metric.name) {
                result[metric.name] = after.draws.differences(from: before.draws)[index]
            } else if let after = perSeed(metric), let before = baseline.perSeed(metric) {
                result[metric.name] = SeedInterval.difference(before, after, scale: metric.scale)
            }
        }
        return result
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
