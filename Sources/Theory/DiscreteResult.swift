import Reporting
import Storage

/// The discrete experiment's statistics: by generation, and where the runs were absorbed.
public struct DiscreteResult: Sendable, Codable {
    public struct Generation: Sendable, Codable {
        public var generation: Int
        /// States with a non-zero estimate.
        public var surviving = MonteCarloMean()
        /// The starting distribution's mass on states whose estimate is 0.
        public var lostMass = MonteCarloMean()
        /// Runs that had ended in a delta by this generation.
        public var absorbedShare = 0.0
    }

    public struct State: Sendable, Codable {
        public var state: Int
        public var probability: Double
        /// The share of absorbed runs that ended in a delta on this state, its standard error
        /// √(p(1 − p)/runs) under the theory, and the z-score.
        public var frequency: Double
        public var standardError: Double
        public var zScore: Double
    }

    public var experiment: DiscreteExperiment
    public var generations: [Generation]
    public var states: [State]
    /// Generations until a delta, over the absorbed runs.
    public var absorptionTime: MonteCarloMean
    public var unabsorbedRuns: Int

    init(experiment: DiscreteExperiment, runs: [DiscreteRun]) {
        self.experiment = experiment
        let reported = runs.map(\.surviving.count).max() ?? 0
        generations = (0..<reported).map { Generation(generation: $0) }
        for run in runs {
            for k in 0..<min(reported, run.surviving.count) {
                generations[k].surviving.add(Double(run.surviving[k]))
                generations[k].lostMass.add(run.lostMass[k])
            }
        }
        for k in generations.indices {
            generations[k].absorbedShare = Double(runs.filter { ($0.absorption?.generation ?? .max) <= k }.count) / Double(runs.count)
        }
        var time = MonteCarloMean()
        var ends = [Int](repeating: 0, count: experiment.probabilities.count)
        for case let absorption? in runs.map(\.absorption) {
            time.add(Double(absorption.generation))
            ends[absorption.state] += 1
        }
        absorptionTime = time
        unabsorbedRuns = runs.count - time.count
        let absorbed = Double(max(time.count, 1))
        states = experiment.probabilities.enumerated().map { index, p in
            let frequency = Double(ends[index]) / absorbed
            let error = (p * (1 - p) / absorbed).squareRoot()
            let z = error > 0 ? (frequency - p) / error : (frequency == p ? 0 : .infinity)
            return State(state: index, probability: p, frequency: frequency, standardError: error, zScore: z)
        }
    }

    public var largestZScore: Double { states.map { abs($0.zScore) }.max() ?? 0 }

    public func table() -> String {
        var text = "generation\tsurviving_states\tsurviving_states_se\tlost_mass\tlost_mass_se\tabsorbed_share\n"
        for row in generations {
            text += "\(row.generation)\t\(row.surviving.mean)\t\(row.surviving.standardError)\t\(row.lostMass.mean)\t\(row.lostMass.standardError)\t\(row.absorbedShare)\n"
        }
        return text
    }

    public func absorptionTable() -> String {
        "state\tprobability\tabsorption_frequency\tstandard_error\tz\n"
            + states.map { "\($0.state)\t\($0.probability)\t\($0.frequency)\t\($0.standardError)\t\($0.zScore)\n" }.joined()
    }

    /// Writes discrete.tsv, absorption.tsv, discrete.json and report.html into `directory`.
    public func write(to directory: String) throws {
        try FileSystem.createDirectory(directory)
        try FileSystem.writeText(table(), to: "\(directory)/discrete.tsv")
        try FileSystem.writeText(absorptionTable(), to: "\(directory)/absorption.tsv")
        try FileSystem.writeText(try prettyJSON(self), to: "\(directory)/discrete.json")
        try FileSystem.writeText(DiscreteReport(result: self).html(), to: "\(directory)/report.html")
    }
}
