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

@Suite struct AxisScaleTests {
    /// The ticks a report drew before (200, 348, 496, 644, 793) are now steps of 1, 2, 2.5 or 5 × 10ᵏ.
    @Test func linearTicksStepByOneTwoTwoAndAHalfOrFive() {
        let axis = AxisScale.linear(200, 793)
        #expect(axis.ticks == [200, 400, 600, 800])
        #expect(AxisScale.linear(200, 793, target: 8).ticks == [200, 300, 400, 500, 600, 700, 800])
        #expect(axis.lower <= 200 && axis.upper >= 793)
        #expect(AxisScale.linear(0, 1).ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(AxisScale.linear(0, 0.1).ticks.map(AxisScale.linear(0, 0.1).label) == ["0.00", "0.02", "0.04", "0.06", "0.08", "0.10"])
        #expect(AxisScale.linear(0, 12.3).ticks == [0, 2.5, 5, 7.5, 10, 12.5])
        #expect(AxisScale.linear(0, 12.3).label(7.5) == "7.5")
        #expect(AxisScale.linear(0, 9, whole: true).ticks == [0, 2, 4, 6, 8, 10])
        #expect(AxisScale.linear(-55_700, 339_683).ticks.allSatisfy { $0.truncatingRemainder(dividingBy: 50_000) == 0 })
        #expect(AxisScale.linear(0, 300_000).label(250_000) == "250k")
        for (low, high) in [(0.013, 0.71), (3.0, 3.0), (-2.0, 7), (1e-6, 3e-6), (17.0, 4_321)] {
            let axis = AxisScale.linear(low, high)
            let step = axis.ticks[1] - axis.ticks[0]
            let mantissa = step / pow(10, log10(step).rounded(.down))
            #expect([1, 2, 2.5, 5].contains { abs($0 - mantissa) < 1e-9 }, "\(low)…\(high): step \(step)")
            #expect(axis.lower <= min(low, high) && axis.upper >= max(low, high))
        }
    }

    @Test func logarithmicTicksAreOneTwoAndFiveTimesAPowerOfTen() {
        let axis = AxisScale.logarithmic(64, 4_991)
        #expect(axis.ticks == [50, 100, 200, 500, 1000, 2000, 5000])
        #expect(axis.ticks.map(axis.label) == ["50", "100", "200", "500", "1k", "2k", "5k"])
        let wide = AxisScale.logarithmic(2_865, 339_683)
        #expect(wide.ticks == [2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000])
        let huge = AxisScale.logarithmic(0.01, 1e7)
        #expect(huge.ticks == [0.01, 0.1, 1, 10, 100, 1000, 10_000, 100_000, 1e6, 1e7])
        #expect(huge.label(0.01) == "0.01" && huge.label(1e6) == "1M")
        #expect(abs(axis.fraction(axis.lower)) < 1e-12 && abs(axis.fraction(axis.upper) - 1) < 1e-12)
        // Less than a decade: every whole mantissa, then a linear step.
        #expect(AxisScale.logarithmic(16, 35).ticks == [15, 20, 25, 30, 35])
        #expect(AxisScale.logarithmic(12, 95).ticks == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        #expect(AxisScale.logarithmic(21, 27).ticks == [20, 22, 24, 26, 28])
    }
}
