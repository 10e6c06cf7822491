import ArgumentParser
import Foundation
import Pipeline
import Reporting
import Settings

struct SamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "One prompt and each generation's continuation of it, as text (the paper's Gen 0 / 1 / 7 / 9 table).")

    @Argument(help: "A run directory, e.g. Runs/wikitext2-ngram5-replace.")
    var directory: String
    @Option(help: "Index of the prompt block in the corpus's training split.")
    var block: Int
    @Option(help: "Generations to show, e.g. 0,1,7,9 (default: all).")
    var generations: String?
    @Option(help: "Seed (default: the run's first).")
    var seed: UInt64?

    func run() throws {
        let list = try generations.map { text in
            try text.split(separator: ",").map { part -> Int in
                guard let k = Int(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--generations takes numbers separated by commas, e.g. 0,1,7,9")
                }
                return k
            }
        }
        print(try RunDirectory(path: directory).samples(block: block, generations: list, seed: seed), terminator: "")
    }
}

enum ComparisonFormat: String, ExpressibleByArgument, CaseIterable {
    case text, tsv, json
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Per generation, test perplexity and tail statistics, run by run.",
        discussion: "Values are means over each run's seeds (perplexities: geometric means), each with its 95 % interval: a hierarchical bootstrap over seeds and sequences for the figures of per-sequence perplexities, Student's t over seeds for whole-corpus measures. With several runs, each later run's change from the first (ratios for perplexities) with its interval, marked * where it excludes no change. --out DIR also writes comparison.tsv, comparison.json and overlaid plots (SVG).")

    @Argument(help: "Run directories.")
    var runs: [String]
    @Option(help: "Output format: text (a table per run, then the changes), tsv or json (one row per run and generation, one per difference).")
    var format: ComparisonFormat = .text
    @Option(help: "Also write TSV, JSON and plots into this directory.")
    var out: String?

    func run() throws {
        let directories = try runs.map { try RunDirectory(path: $0) }
        let comparison = try RunDirectory.comparison(of: directories)
        switch format {
        case .text: print(comparison.text(runs: directories), terminator: "")
        case .tsv: print(comparison.tsv, terminator: "")
        case .json: print(try comparison.json(), terminator: "")
        }
        if let out {
            for file in try RunDirectory.writeComparison(directories, to: out) { print("wrote \(file)") }
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write <run>/report.html: configuration, plots, metrics and samples on one self-contained page.")

    @Argument(help: "A run directory.")
    var directory: String

    func run() throws {
        print("wrote \(try RunDirectory(path: directory).writeReport())")
    }
}

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Recompute every generation's metrics of a run from its stored models and corpora.",
        discussion: "Re-runs only the evaluation stages (test perplexity, per-sequence perplexity under generation 0, tail and diversity measures) of the generations whose model and corpus the run stored, rewrites their metrics.json and the run's metrics.tsv, and lists the generations not written yet (it trains and writes nothing).")

    @Argument(help: "A run directory.")
    var directory: String
    @OptionGroup var threads: ThreadsOption

    func run() throws {
        let done = try RunExecutor.recomputeMetrics(runDirectory: directory, threads: threads.threads, registry: .standard)
        print("recomputed the metrics of \(done.evaluated) generation(s) of \(directory) in \(Format.fixed(done.seconds, digits: 1)) s")
        for missing in done.missing {
            print("not written yet, so not evaluated: \(missing) (continue the run with `collapse run \(directory) --resume`)")
        }
    }
}
