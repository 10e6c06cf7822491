import Reporting

/// The discrete experiment as a page: the tail lost generation by generation, and absorption
/// frequencies against the starting probabilities.
struct DiscreteReport {
    let result: DiscreteResult

    func html() -> String {
        let experiment = result.experiment
        let title = "Recursive re-estimation of a \(experiment.probabilities.count)-state distribution (M = \(experiment.samples))"
        var body = "<h1>\(SVGDocument.escape(title))</h1>\n"
        body += "<p class=\"note\">\(experiment.runs) runs, seed \(experiment.seed); every run ends in a delta unless it reaches \(experiment.maximumGenerations) generations (\(result.unabsorbedRuns) did not). "
            + "Generations to absorption: mean \(Format.fixed(result.absorptionTime.mean, digits: 1)) ± \(Format.fixed(result.absorptionTime.standardError, digits: 1)).</p>\n"
        body += "<div class=\"plots\">\(chart(\.surviving, title: "Surviving states", label: "states"))\(chart(\.lostMass, title: "Lost tail mass (original probability of extinct states)", label: "mass"))</div>\n"
        body += "<h2>Where the runs end</h2>\n<p class=\"note\">The theory: state i absorbs with probability pᵢ. Largest |z| \(Format.fixed(result.largestZScore, digits: 2)).</p>\n"
        body += HTMLPage.table(header: ["state", "pᵢ", "absorbed there", "± se", "z"], rows: result.states.map {
            ["\($0.state)", Format.fixed($0.probability, digits: 4), Format.fixed($0.frequency, digits: 4), Format.fixed($0.standardError, digits: 4),
             Format.fixed($0.zScore, digits: 2)]
        })
        return HTMLPage.render(title: title, body: body)
    }

    func chart(_ value: KeyPath<DiscreteResult.Generation, MonteCarloMean>, title: String, label: String) -> String {
        let points = result.generations.map { (x: Double($0.generation), y: $0[keyPath: value].mean) }
        let band = LineChart.Band(threeStandardErrors: result.generations.map { $0[keyPath: value] }, color: LineChart.palette[0])
        return LineChart(title: title, xLabel: "generation", yLabel: label, series: [LineChart.Series(name: "mean over runs", points: points, color: LineChart.palette[0])],
                         bands: [band], integerX: true).render()
    }
}
