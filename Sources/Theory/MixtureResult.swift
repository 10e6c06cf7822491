import Reporting
import Storage

/// The mixture experiment's L2 distances by generation and M, and a few fitted densities.
public struct MixtureResult: Sendable, Codable {
    public struct Curve: Sendable, Codable {
        public var samples: Int
        /// Per generation: the L2 distance between the fit to that generation's data and the real density.
        public var distance: [MonteCarloMean]
    }

    public struct Snapshot: Sendable, Codable {
        public var generation: Int
        public var fit: GaussianMixture
    }

    public var experiment: MixtureExperiment
    public var curves: [Curve]
    public var snapshots: [Snapshot]

    public func table() -> String {
        var text = "generation\tsamples\tl2_distance\tl2_distance_se\n"
        for curve in curves {
            for (k, distance) in curve.distance.enumerated() {
                text += "\(k)\t\(curve.samples)\t\(distance.mean)\t\(distance.standardError)\n"
            }
        }
        return text
    }

    public func summary() -> String {
        var table = TextTable(header: ["generation"] + curves.map { "L2, M = \($0.samples)" })
        let shown = Set([0, 1, 2, 5, 10, 20, 30, 40, experiment.generations - 1])
        for k in 0..<experiment.generations where shown.contains(k) {
            table.append(["\(k)"] + curves.map { Format.fixed($0.distance[k].mean, digits: 4) + " ± " + Format.fixed($0.distance[k].standardError, digits: 4) })
        }
        return "Two-component mixture fitted by EM, \(experiment.runs) runs per M, seed \(experiment.seed); L2 distance between each fit and the real density\n"
            + table.render()
    }

    /// Writes gmm.tsv, gmm.json and report.html into `directory`.
    public func write(to directory: String) throws {
        try FileSystem.createDirectory(directory)
        try FileSystem.writeText(table(), to: "\(directory)/gmm.tsv")
        try FileSystem.writeText(try prettyJSON(self), to: "\(directory)/gmm.json")
        try FileSystem.writeText(MixtureReport(result: self).html(), to: "\(directory)/report.html")
    }
}
