import Evaluation
import Foundation
import Pipeline
import Reporting
import Statistics
import Storage
import Tokenization

/// A study's finished runs read together: the paper's Fig. 10 (test perplexity by generation and
/// regime) and Fig. 11 (per-sequence perplexity under generation 0) analogues for every family,
/// the regimes' differences, how often continuations fall into runs of one token, and what each
/// stage took; as `results.md` and `results.html` in the study's directory.
public struct StudyResults {
    /// One run of the grid as read.
    struct RunResult {
        let run: StudyRun
        let directory: RunDirectory
        let rows: [RunDirectory.ComparisonRow]
        /// Per generation: the share of continuations with a run of `RepeatedRun.length` or more
        /// identical tokens, over seeds.
        let repeatedRuns: [Interval]
        let seconds: [String: Double]
    }

    let configuration: StudyConfiguration
    let directory: String
    let results: [RunResult]
    let bases: [RunResult]

    /// Reads every run of the study that has finished at least one generation.
    public init(study: Study) throws {
        configuration = study.configuration
        directory = study.directory
        func read(_ run: StudyRun) throws -> RunResult? {
            let path = "\(study.directory)/\(run.name)"
            guard FileSystem.exists("\(path)/manifest.json") else { return nil }
            let directory = try RunDirectory(path: path)
            let rows = try RunDirectory.comparison(of: [directory]).rows
            let repeated = try (0..<rows.count).map { k in
                SeedInterval.mean(try directory.configuration.seeds.compactMap { try directory.continuations(seed: $0, generation: k) }
                    .map(RepeatedRun.share), scale: .unit)
            }
            return RunResult(run: run, directory: directory, rows: rows, repeatedRuns: repeated, seconds: try RunManifest.stageSeconds(in: path))
        }
        results = try configuration.runs.compactMap(read)
        bases = try configuration.baseRuns.compactMap(read)
    }

    /// The generations Fig. 11 shows: 1, the middle and the last (1, 5 and 9 of ten).
    var shownGenerations: [Int] {
        let last = configuration.generations - 1
        return Array(Set([1, configuration.generations / 2, last].filter { $0 >= 1 && $0 <= last })).sorted()
    }

    /// Writes `results.md` and `results.html`; returns their paths.
    public func write() throws -> [String] {
        let markdown = "\(directory)/results.md", html = "\(directory)/results.html"
        try FileSystem.writeText(self.markdown(), to: markdown)
        try FileSystem.writeText(try self.html(), to: html)
        return [markdown, html]
    }

    /// `mean [low, high]` or the mean alone.
    static func shown(_ interval: Interval?, digits: Int) -> String {
        guard let interval, interval.estimate.isFinite else { return "–" }
        let value = Format.fixed(interval.estimate, digits: digits)
        return interval.isAvailable ? "\(value) [\(Format.fixed(interval.low, digits: digits)), \(Format.fixed(interval.high, digits: digits))]" : value
    }

    func results(of family: String) -> [RunResult] { results.filter { $0.run.family == family } }
}

/// Continuations that fall into a run of one token (WikiText's `= = = …` heading marks, say):
/// under beam search with a repetition penalty on log-probabilities, a near-certain token keeps
/// winning however often it has been used.
enum RepeatedRun {
    /// Identical tokens in a row that make a continuation count: a quarter of 64.
    static let length = 16

    /// The share of `blocks` whose longest run of one token is at least `length`.
    /// - Complexity: O(tokens).
    static func share(_ blocks: Blocks) -> Double {
        guard blocks.count > 0 else { return .nan }
        var hits = 0
        for index in 0..<blocks.count {
            var run = 1, longest = 1
            let block = blocks[index]
            for position in block.indices.dropFirst() {
                run = block[position] == block[position - 1] ? run + 1 : 1
                longest = max(longest, run)
            }
            if longest >= length { hits += 1 }
        }
        return Double(hits) / Double(blocks.count)
    }
}
