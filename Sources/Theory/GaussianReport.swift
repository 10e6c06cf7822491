import Reporting

/// The gaussian experiment as a page: simulation against theory, with ±3 standard-error bands.
struct GaussianReport {
    let result: GaussianResult

    var experiment: GaussianExperiment { result.experiment }

    func html() -> String {
        let title = "Recursive Gaussian fitting (\(experiment.regime.rawValue), M = \(experiment.samples))"
        var body = "<h1>\(SVGDocument.escape(title))</h1>\n"
        body += "<p class=\"note\">μ = \(experiment.mean), σ² = \(experiment.variance), \(experiment.runs) runs, \(experiment.generations) generations, seed \(experiment.seed). Shaded: the simulation's mean ± 3 standard errors.</p>\n"
        body += "<div class=\"plots\">\(varianceChart())\(w2Chart())</div>\n"
        if let worst = result.largestZScores {
            body += "<h2>Simulation against theory</h2>\n<p class=\"note\">Largest |simulation − theory| / standard error over all generations: "
                + "Var(Xⁿ) = σ²(1 + n/M): \(Format.fixed(worst.sampleVariance, digits: 2)); "
                + "E[W₂²] exact, σ²((n+1)/M + 2(1 − cⁿ⁺¹)) with c = E[√(χ²/(M−1))]: \(Format.fixed(worst.w2Squared, digits: 2)); "
                + "first order, σ²·3(n+1)/(2M): \(Format.fixed(worst.firstOrder, digits: 2)); "
                + "the paper's σ²(n/M + 3/(2M)): \(Format.fixed(worst.paper, digits: 2)).</p>\n"
        }
        body += "<h2>By generation</h2>\n" + table()
        return HTMLPage.render(title: title, body: body)
    }

    func series(_ name: String, _ values: [Double], color: String, dashed: Bool = false) -> LineChart.Series {
        LineChart.Series(name: name, points: values.enumerated().map { (Double($0.offset), $0.element) }, color: color, dashed: dashed)
    }

    func varianceChart() -> String {
        let simulated = result.generations.map(\.sampleVariance)
        var lines = [series("simulation", simulated.map(\.mean), color: LineChart.palette[0])]
        if result.theory(0) != nil {
            lines.append(series("σ²(1 + n/M)", result.generations.compactMap { result.theory($0.generation)?.sampleVariance }, color: LineChart.palette[1], dashed: true))
        }
        return LineChart(title: "Var(Xⁿ), the spread of generation n's samples", xLabel: "generation n", yLabel: "variance",
                         series: lines, bands: [LineChart.Band(threeStandardErrors: simulated, color: LineChart.palette[0])], integerX: true).render()
    }

    func w2Chart() -> String {
        let simulated = result.generations.map(\.w2Squared)
        var lines = [series("simulation", simulated.map(\.mean), color: LineChart.palette[0])]
        if result.theory(0) != nil {
            let theory = result.generations.compactMap { result.theory($0.generation) }
            lines += [series("exact", theory.map(\.w2Squared), color: LineChart.palette[1], dashed: true),
                      series("first order 3(n+1)/(2M)", theory.map(\.firstOrder), color: LineChart.palette[2], dashed: true),
                      series("paper's formula", theory.map(\.paper), color: LineChart.palette[3], dashed: true)]
        }
        return LineChart(title: "E[W₂²] between N(μ, σ²) and the fit to generation n", xLabel: "generation n", yLabel: "W₂²",
                         series: lines, bands: [LineChart.Band(threeStandardErrors: simulated, color: LineChart.palette[0])], integerX: true).render()
    }

    func table() -> String {
        var header = ["n", "Var(Xⁿ)", "± se", "W₂²", "± se", "E[σ]", "E[σ²]"]
        if result.theory(0) != nil { header += ["σ²(1+n/M)", "W₂² exact", "first order", "paper"] }
        let rows = result.generations.map { row -> [String] in
            var cells = ["\(row.generation)", Format.fixed(row.sampleVariance.mean, digits: 4), Format.fixed(row.sampleVariance.standardError, digits: 4),
                         Format.fixed(row.w2Squared.mean, digits: 4), Format.fixed(row.w2Squared.standardError, digits: 4),
                         Format.fixed(row.fittedDeviation.mean, digits: 4), Format.fixed(row.fittedVariance.mean, digits: 4)]
            if let theory = result.theory(row.generation) {
                cells += [theory.sampleVariance, theory.w2Squared, theory.firstOrder, theory.paper].map { Format.fixed($0, digits: 4) }
            }
            return cells
        }
        return HTMLPage.table(header: header, rows: rows)
    }
}
