import Reporting

extension GaussianResult {
    /// The console table: simulation ± standard error beside the theory, then the worst z-scores.
    public func summary() -> String {
        let replace = experiment.regime == .replace
        var table = TextTable(header: ["n", "Var(Xⁿ) sim", "± se"] + (replace ? ["σ²(1+n/M)"] : [])
                              + ["W₂² sim", "± se"] + (replace ? ["exact", "1st order", "paper"] : []))
        for row in generations {
            let theory = self.theory(row.generation)
            var cells = ["\(row.generation)", Format.fixed(row.sampleVariance.mean, digits: 4), Format.fixed(row.sampleVariance.standardError, digits: 4)]
            if let theory { cells.append(Format.fixed(theory.sampleVariance, digits: 4)) }
            cells += [Format.fixed(row.w2Squared.mean, digits: 4), Format.fixed(row.w2Squared.standardError, digits: 4)]
            if let theory { cells += [theory.w2Squared, theory.firstOrder, theory.paper].map { Format.fixed($0, digits: 4) } }
            table.append(cells)
        }
        var text = "Gaussian, \(experiment.regime.rawValue): μ \(experiment.mean), σ² \(experiment.variance), M \(experiment.samples), \(experiment.runs) runs, seed \(experiment.seed)\n"
        text += "W₂² is between N(μ, σ²) and the fit to generation n's samples (fit n + 1).\n" + table.render()
        if let worst = largestZScores {
            text += "largest |z| over the generations: Var(Xⁿ) \(Format.fixed(worst.sampleVariance, digits: 2)), W₂² exact \(Format.fixed(worst.w2Squared, digits: 2)), "
                + "first order \(Format.fixed(worst.firstOrder, digits: 2)), paper's formula \(Format.fixed(worst.paper, digits: 2))\n"
        }
        return text
    }
}

extension DiscreteResult {
    /// The console summary: a few generations of the tail's loss, then absorption by state.
    public func summary() -> String {
        var text = "Discrete, \(experiment.probabilities.count) states, M \(experiment.samples), \(experiment.runs) runs, seed \(experiment.seed)\n"
        var curve = TextTable(header: ["generation", "surviving states", "lost mass", "absorbed runs"])
        let shown = Set([0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, generations.count - 1])
        for row in generations where shown.contains(row.generation) {
            curve.append(["\(row.generation)", Format.fixed(row.surviving.mean, digits: 3), Format.fixed(row.lostMass.mean, digits: 4),
                          Format.fixed(100 * row.absorbedShare, digits: 1) + " %"])
        }
        text += curve.render()
        text += "absorbed: \(experiment.runs - unabsorbedRuns) of \(experiment.runs) runs, after \(Format.fixed(absorptionTime.mean, digits: 1)) ± \(Format.fixed(absorptionTime.standardError, digits: 1)) generations\n"
        var table = TextTable(header: ["state", "pᵢ", "absorbed there", "± se", "z"])
        for state in states.prefix(20) {
            table.append(["\(state.state)", Format.fixed(state.probability, digits: 4), Format.fixed(state.frequency, digits: 4),
                          Format.fixed(state.standardError, digits: 4), Format.fixed(state.zScore, digits: 2)])
        }
        return text + table.render() + "largest |z| \(Format.fixed(largestZScore, digits: 2))\n"
    }
}
