import Reporting

/// The mixture experiment as a page: distance curves per M, and the fitted densities drifting.
struct MixtureReport {
    let result: MixtureResult

    func html() -> String {
        let experiment = result.experiment
        let title = "Recursive fitting of a Gaussian mixture by EM"
        var body = "<h1>\(title)</h1>\n<p class=\"note\">Real mixture: weights \(experiment.real.weights), means \(experiment.real.means), deviations \(experiment.real.deviations); \(experiment.runs) runs per M, seed \(experiment.seed). Shaded: mean ± 3 standard errors.</p>\n"
        let series = result.curves.enumerated().map { index, curve in
            LineChart.Series(name: "M = \(curve.samples)", points: curve.distance.enumerated().map { (Double($0.offset), $0.element.mean) },
                             color: LineChart.palette[index % LineChart.palette.count])
        }
        let bands = result.curves.enumerated().map { LineChart.Band(threeStandardErrors: $0.element.distance, color: LineChart.palette[$0.offset % LineChart.palette.count]) }
        let distance = LineChart(title: "L2 distance between the fit to generation n and the real density", xLabel: "generation n",
                                 yLabel: "L2 distance", series: series, bands: bands, integerX: true).render()
        body += "<div class=\"plots\">\(distance)\(densities())</div>\n"
        return HTMLPage.render(title: title, body: body)
    }

    func densities() -> String {
        let range = result.experiment.range
        let xs = (0...200).map { range.lowerBound + Double($0) * (range.upperBound - range.lowerBound) / 200 }
        var series = [LineChart.Series(name: "real", points: xs.map { ($0, result.experiment.real.density($0)) }, color: "#222", dashed: true)]
        for (index, snapshot) in result.snapshots.enumerated() {
            series.append(LineChart.Series(name: "fit to generation \(snapshot.generation)", points: xs.map { ($0, snapshot.fit.density($0)) },
                                           color: LineChart.palette[(index + 1) % LineChart.palette.count]))
        }
        let samples = result.experiment.sampleSizes.min() ?? 0
        return LineChart(title: "Fitted densities, one run, M = \(samples)", xLabel: "x", yLabel: "density", series: series).render()
    }
}
