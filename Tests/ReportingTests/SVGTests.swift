import Foundation
import FoundationXML
import Testing
@testable import Reporting

@Suite struct SVGTests {
    @Test func escapesTextForXML() {
        #expect(SVGDocument.escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
    }

    @Test func lineChartIsWellFormedXMLWithOneMarkPerSeriesAndBand() throws {
        let chart = LineChart(
            title: "Test perplexity <by generation>", xLabel: "generation", yLabel: "perplexity",
            series: [.init(name: "seed 1", points: [(0, 226.9), (1, 592.9), (2, 765.7)], color: "#1f77b4"),
                     .init(name: "seed 2", points: [(0, 230), (1, 600), (2, 700)], color: "#d62728", dashed: true)],
            bands: [.init(points: [(0, 220, 235), (1, 580, 610), (2, 690, 770)], color: "#999")],
            logY: true)
        let svg = chart.render()
        let document = try XMLDocument(xmlString: svg, options: [])
        let marks = try document.nodes(forXPath: "//*[@class='mark']")
        #expect(marks.count == 3)
        #expect(svg.contains("Test perplexity &lt;by generation&gt;"))
        #expect(svg.contains("stroke-dasharray"))
    }

    @Test func pointsMapIntoThePlotArea() throws {
        let chart = LineChart(title: "t", xLabel: "x", yLabel: "y",
                              series: [.init(name: "s", points: [(0, 0), (10, 100)], color: "#000")])
        let svg = chart.render(width: 640, height: 360)
        // The polyline's points attribute, read from the text.
        let afterPolyline = try #require(svg.range(of: "<polyline")).upperBound
        let start = try #require(svg.range(of: "points=\"", range: afterPolyline..<svg.endIndex)).upperBound
        let end = try #require(svg.range(of: "\"", range: start..<svg.endIndex)).lowerBound
        let points = svg[start..<end].split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        // x from the left margin to the right end of the plot; larger y values drawn higher.
        #expect(points[0][0] == 64 && points[1][0] == 640 - 150)
        #expect(points[1][1] < points[0][1])
        for point in points { #expect(point[1] >= 32 && point[1] <= 360 - 48) }
    }
}

@Suite struct HistogramChartTests {
    let chart = HistogramChart(title: "Perplexity by generation", xLabel: "log10 perplexity", lower: 0, upper: 5, histograms: [
        .init(name: "real", counts: [0, 0, 2, 6, 2, 0, 0, 0, 0, 0], color: "#000", dashed: true),
        .init(name: "gen 1", counts: [0, 1, 8, 1, 0, 0, 0, 0, 0, 0], color: "#1f77b4"),
    ])

    @Test func sharesSumToOne() {
        #expect(abs(HistogramChart.shares([1, 2, 7]).reduce(0, +) - 1) < 1e-12)
        #expect(HistogramChart.shares([0, 0]) == [0, 0])
    }

    @Test func showsOnlyBinsWithMassPlusOneEachSide() {
        #expect(chart.visibleBins() == 0..<6)
    }

    @Test func overlayAndRidgelineDrawEveryHistogram() throws {
        let overlay = try XMLDocument(xmlString: chart.renderOverlay(), options: [])
        #expect(try overlay.nodes(forXPath: "//*[@class='mark']").count == 2)
        let ridgeline = try XMLDocument(xmlString: chart.renderRidgeline(), options: [])
        #expect(try ridgeline.nodes(forXPath: "//*[@class='mark']").count == 4) // a filled area and an outline each
    }
}
