import Foundation
import Reporting
import Statistics
import Storage

/// `collapse compare` as text, TSV and JSON.
extension RunDirectory.Comparison {
    /// "438.2 [421.0, 455.9]", with the value's digits; the value alone where there is no interval.
    static func shown(_ interval: Interval?, digits: Int) -> String {
        guard let interval, interval.estimate.isFinite else { return "NA" }
        let value = Format.fixed(interval.estimate, digits: digits)
        guard interval.isAvailable else { return value }
        return "\(value) [\(Format.fixed(interval.low, digits: digits)), \(Format.fixed(interval.high, digits: digits))]"
    }

    static func digits(_ metric: ComparedMetric) -> Int { metric.scale == .logarithmic ? 1 : 3 }

    /// Per run a table of its generations, then each later run's changes from the first.
    public func text(runs: [RunDirectory]) -> String {
        let shown = ComparedMetric.shown.compactMap { name in ComparedMetric.all.first { $0.name == name } }
        var text = "Means over each run's seeds: perplexities geometric (the mean of their logs), shares and corpus measures arithmetic. [low, high]: 95 % intervals.\n"
        for run in runs.map(\.configuration.name) {
            let mine = rows.filter { $0.run == run }
            guard let first = mine.first else { continue }
            var table = TextTable(header: ["gen"] + shown.map(\.label))
            for row in mine { table.append(["\(row.generation)"] + shown.map { Self.shown(row.intervals[$0.name], digits: Self.digits($0)) }) }
            text += "\n\(run) (\(first.seeds) seed\(first.seeds == 1 ? "" : "s"))\n" + table.render()
                + Self.methods(mine.map { ($0.generation, $0.intervals) }, shown)
        }
        for baseline in Set(differences.map(\.baseline)).sorted() {
            for run in Array(Set(differences.filter { $0.baseline == baseline }.map(\.run))).sorted() {
                var table = TextTable(header: ["gen"] + shown.map { $0.scale == .logarithmic ? "\($0.label) ratio" : "\($0.label) change" })
                let mine = differences.filter { $0.run == run && $0.baseline == baseline }
                for difference in mine {
                    table.append(["\(difference.generation)"] + shown.map { metric in
                        let change = difference.changes[metric.name]
                        let still = metric.scale == .logarithmic ? 1.0 : 0.0
                        return Self.shown(change, digits: 3) + ((change?.excludes(still) ?? false) ? " *" : "")
                    })
                }
                text += "\n\(run) against \(baseline): ratios for perplexities, differences otherwise; * where the 95 % interval excludes no change\n"
                    + table.render() + Self.methods(mine.map { ($0.generation, $0.changes) }, shown)
            }
        }
        return text
    }

    /// One line per way an interval was computed: the metrics it applies to and, unless it
    /// holds for every generation, which ones.
    static func methods(_ generations: [(generation: Int, intervals: [String: Interval])], _ metrics: [ComparedMetric]) -> String {
        var groups: [(method: String, generations: [Int], labels: [String])] = []
        for metric in metrics {
            var byMethod: [(method: String, generations: [Int])] = []
            for (generation, intervals) in generations {
                guard let method = intervals[metric.name]?.method else { continue }
                if let index = byMethod.firstIndex(where: { $0.method == method }) { byMethod[index].generations.append(generation) } else { byMethod.append((method, [generation])) }
            }
            for (method, used) in byMethod {
                if let index = groups.firstIndex(where: { $0.method == method && $0.generations == used }) { groups[index].labels.append(metric.label) } else { groups.append((method, used, [metric.label])) }
            }
        }
        let all = generations.map(\.generation)
        return groups.map { group in
            let when = group.generations == all ? "" : " (generation\(group.generations.count == 1 ? "" : "s") \(group.generations.map(String.init).joined(separator: ", ")))"
            return "  \(group.labels.joined(separator: ", "))\(when): \(group.method)\n"
        }.joined()
    }

    /// One line per run and generation, then one per difference (`kind` tells them apart):
    /// each metric, then its interval's low, high, standard deviation over seeds and method.
    public var tsv: String {
        func number(_ value: Double?) -> String { value.map { $0.isFinite ? "\($0)" : "NA" } ?? "NA" }
        var columns = ["kind", "run", "baseline", "generation", "seeds"]
        for metric in ComparedMetric.all { columns += [metric.column, "\(metric.column)_low", "\(metric.column)_high", "\(metric.column)_std", "\(metric.column)_method"] }
        var text = columns.joined(separator: "\t") + "\n"
        func fields(_ intervals: [String: Interval]) -> [String] {
            ComparedMetric.all.flatMap { metric -> [String] in
                guard let interval = intervals[metric.name] else { return ["NA", "NA", "NA", "NA", "NA"] }
                return [number(interval.estimate), number(interval.low), number(interval.high), number(interval.std), interval.method]
            }
        }
        for row in rows { text += (["run", row.run, "", "\(row.generation)", "\(row.seeds)"] + fields(row.intervals)).joined(separator: "\t") + "\n" }
        for difference in differences {
            text += (["difference", difference.run, difference.baseline, "\(difference.generation)", ""] + fields(difference.changes)).joined(separator: "\t") + "\n"
        }
        return text
    }

    public func json() throws -> String {
        try prettyJSON(self)
    }
}
