import Foundation
import Reporting
import Storage

/// A finished VAE run as its files hold it: every generation's metrics and each seed's
/// reference, with the run's table (`metrics.tsv`, stdout) and report.
public struct VAERunResult {
    public let directory: String
    public let configuration: VAERunConfiguration
    /// Per seed, in the configuration's order: the reference and the metrics by generation.
    public let seeds: [(reference: VAEReference, generations: [VAEGenerationMetrics])]

    public init(directory: String, configuration: VAERunConfiguration) throws {
        self.directory = directory
        self.configuration = configuration
        seeds = try configuration.seeds.map { seed in
            let reference = try readJSON(VAEReference.self, from: "\(directory)/seed-\(seed)/gen-0/reference.json")
            let generations = try (0..<configuration.generations).map {
                try readJSON(VAEGenerationMetrics.self, from: "\(directory)/seed-\(seed)/gen-\($0)/metrics.json")
            }
            return (reference, generations)
        }
    }

    static let columns = ["seed", "generation", "train_images", "real_train_images", "train_loss", "real_nelbo",
                          "sample_nelbo_p1", "sample_nelbo_p5", "sample_nelbo_p50", "sample_nelbo_p95", "sample_nelbo_p99",
                          "above_real_p99", "below_real_p1", "pairwise_distance", "nearest_real_p50", "nearest_real_mean",
                          "classes_covered", "effective_classes"]

    /// One row per seed and generation, preceded by each seed's real digits as "real".
    func rows() -> [[String]] {
        var rows: [[String]] = []
        for (reference, generations) in seeds {
            let r = reference.negativeELBO, s = reference.statistics
            rows.append(["\(reference.seed)", "real", "", "", "", fixed(reference.meanNegativeELBO, 2), fixed(r.p1, 2), fixed(r.p5, 2),
                         fixed(r.p50, 2), fixed(r.p95, 2), fixed(r.p99, 2), "", "", fixed(s.meanPairwiseDistance, 4),
                         fixed(s.nearestRealDistance.p50, 4), fixed(s.meanNearestRealDistance, 4), "\(s.classesCovered)", fixed(s.effectiveClasses, 2)])
            for m in generations {
                let e = m.sampleNegativeELBO, s = m.statistics
                rows.append(["\(m.seed)", "\(m.generation)", "\(m.trainingImages)", "\(m.realTrainingImages)", fixed(m.finalTrainingLoss, 2),
                             fixed(m.realNegativeELBO, 2), fixed(e.p1, 2), fixed(e.p5, 2), fixed(e.p50, 2), fixed(e.p95, 2), fixed(e.p99, 2),
                             fixed(m.aboveRealP99, 4), fixed(m.belowRealP1, 4), fixed(s.meanPairwiseDistance, 4),
                             fixed(s.nearestRealDistance.p50, 4), fixed(s.meanNearestRealDistance, 4), "\(s.classesCovered)", fixed(s.effectiveClasses, 2)])
            }
        }
        return rows
    }

    func fixed(_ value: Double, _ digits: Int) -> String { Format.fixed(value, digits: digits) }

    /// The table as aligned text, for the terminal.
    public func table() -> String {
        let picked = [0, 1, 5, 8, 10, 11, 12, 13, 14, 16, 17]
        let header = picked.map { Self.columns[$0] }
        let body = rows().map { row in picked.map { row[$0] } }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        return ([header] + body).map { row in
            row.enumerated().map { String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// `metrics.tsv` and `report.html` in the run directory.
    public func write() throws {
        let tsv = ([Self.columns] + rows()).map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
        try FileSystem.writeText(tsv, to: "\(directory)/metrics.tsv")
        try FileSystem.writeText(try VAEReport(result: self).html(), to: "\(directory)/report.html")
    }
}
