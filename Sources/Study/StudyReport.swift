import Foundation
import Pipeline
import Reporting
import Statistics
import Storage

/// The study's results as Markdown tables and as a page with the figures.
extension StudyResults {
    func markdown() -> String {
        var text = "# Study \(configuration.name)\n\n"
        text += "Runs: \(results.map { "`\($0.run.name)`" }.joined(separator: ", ")); \(configuration.generations) generations, seeds \(configuration.seeds.map(String.init).joined(separator: ", ")). "
        text += "Means over seeds (perplexities: geometric means) with 95 % intervals `[low, high]` (README, \"Means and intervals\").\n"
        for family in configuration.families.map(\.name) {
            text += "\n## \(family)\n\n" + baseNote(family) + testPerplexityTable(family) + perSequenceTable(family) + differenceTable(family)
                + repeatedRunTable(family)
        }
        return text + "\n" + timingTable()
    }

    /// Generation 0 of the base run, when the family has one.
    func baseNote(_ family: String) -> String {
        guard let base = bases.first(where: { $0.run.family == family }), let row = base.rows.first else { return "" }
        return "Base model (`\(base.run.name)`, trained once on the real training blocks): test perplexity \(Self.shown(row.intervals["testPerplexity"], digits: 1)).\n\n"
    }

    /// Fig. 10's analogue: test perplexity by generation, a column per regime.
    func testPerplexityTable(_ family: String) -> String {
        let runs = results(of: family)
        var text = "### Test perplexity by generation (Fig. 10)\n\n| gen | " + runs.map { $0.run.regime?.label ?? "" }.joined(separator: " | ") + " |\n"
        text += "|---|" + runs.map { _ in "---|" }.joined() + "\n"
        for k in 0..<configuration.generations {
            text += "| \(k) | " + runs.map { run in Self.shown(run.rows.first { $0.generation == k }?.intervals["testPerplexity"], digits: 1) }.joined(separator: " | ") + " |\n"
        }
        return text + "\n"
    }

    /// Fig. 11's analogue: per regime, the real data and generations 1, 5 and 9 under generation 0.
    func perSequenceTable(_ family: String) -> String {
        var text = "### Per-sequence perplexity under generation 0 (Fig. 11)\n\n| regime | data | p1 | p50 | p99 | < real p1 | > real p99 |\n|---|---|---|---|---|---|---|\n"
        for run in results(of: family) {
            let label = run.run.regime?.label ?? ""
            let references = (try? run.directory.configuration.seeds.compactMap { try run.directory.metrics(seed: $0).first?.reference }) ?? []
            if !references.isEmpty {
                let mean = { (value: (PercentileSummary) -> Double) in Format.fixed(MetricScale.logarithmic.mean(references.map(value)), digits: 2) }
                text += "| \(label) | real | \(mean(\.p1)) | \(mean(\.p50)) | \(mean(\.p99)) | – | – |\n"
            }
            for k in shownGenerations {
                guard let row = run.rows.first(where: { $0.generation == k }) else { continue }
                let cells = [("p1", 2), ("p50", 2), ("p99", 2), ("belowReferenceP1", 3), ("aboveReferenceP99", 3)].map { Self.shown(row.intervals[$0.0], digits: $0.1) }
                text += "| \(label) | gen \(k) | " + cells.joined(separator: " | ") + " |\n"
            }
        }
        return text + "\n"
    }

    /// Each regime after the first against the first: ratios of perplexities, differences of shares.
    func differenceTable(_ family: String) -> String {
        let runs = results(of: family)
        guard let first = runs.first, runs.count > 1 else { return "" }
        var text = "### Regimes against \(first.run.regime?.label ?? "") (ratios for perplexities; * where the interval excludes no change)\n\n"
        text += "| regime | gen | test ppl ratio | p99 ratio | < real p1 change | > real p99 change |\n|---|---|---|---|---|---|\n"
        for run in runs.dropFirst() {
            guard let differences = try? RunDirectory.comparison(of: [first.directory, run.directory]).differences else { continue }
            for difference in differences {
                let cells = [("testPerplexity", 1.0), ("p99", 1.0), ("belowReferenceP1", 0.0), ("aboveReferenceP99", 0.0)].map { name, still in
                    Self.shown(difference.changes[name], digits: 3) + ((difference.changes[name]?.excludes(still) ?? false) ? " *" : "")
                }
                text += "| \(run.run.regime?.label ?? "") | \(difference.generation) | " + cells.joined(separator: " | ") + " |\n"
            }
        }
        return text + "\n"
    }

    /// How often continuations fall into runs of one token, beside the repeated-4-gram rate.
    func repeatedRunTable(_ family: String) -> String {
        let runs = results(of: family)
        var text = "### Continuations with a run of \(RepeatedRun.length)+ identical tokens (share, over seeds)\n\n| gen | "
        text += runs.map { $0.run.regime?.label ?? "" }.joined(separator: " | ") + " |\n|---|" + runs.map { _ in "---|" }.joined() + "\n"
        for k in 0..<configuration.generations {
            text += "| \(k) | " + runs.map { $0.repeatedRuns.count > k ? Self.shown($0.repeatedRuns[k], digits: 3) : "–" }.joined(separator: " | ") + " |\n"
        }
        return text + "\n"
    }

    /// Seconds by run and kind of stage, and the study's total.
    func timingTable() -> String {
        var text = "## Stage times (seconds, as the manifests record them)\n\n| run | train | generate | evaluate | all |\n|---|---|---|---|---|\n"
        var total = 0.0
        for result in bases + results {
            func sum(_ kind: String) -> Double { result.seconds.filter { $0.key.hasSuffix("/\(kind)") }.values.reduce(0, +) }
            let all = result.seconds.values.reduce(0, +)
            total += all
            text += "| \(result.run.name) | " + ["train", "generate", "evaluate"].map { Format.fixed(sum($0), digits: 0) }.joined(separator: " | ") + " | \(Format.fixed(all, digits: 0)) |\n"
        }
        return text + "\nAll runs: \(Format.fixed(total, digits: 0)) s (\(Format.duration(total))).\n"
    }
}
