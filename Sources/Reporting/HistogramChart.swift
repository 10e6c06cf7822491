import Foundation

/// Histograms that share one set of bins (e.g. per-sequence log10 perplexity by generation),
/// drawn as overlaid step outlines, or as a ridgeline: one row per histogram.
public struct HistogramChart: Sendable {
    public struct Histogram: Sendable {
        public var name: String
        /// Counts per bin; bins are equal over [lower, upper).
        public var counts: [Int]
        public var color: String
        public var dashed = false

        public init(name: String, counts: [Int], color: String, dashed: Bool = false) {
            self.name = name
            self.counts = counts
            self.color = color
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var lower: Double
    public var upper: Double
    public var histograms: [Histogram]
    /// What the histograms count, for the overlay's y axis ("share of sequences").
    public var items = "sequences"

    public init(title: String, xLabel: String, lower: Double, upper: Double, histograms: [Histogram]) {
        self.title = title
        self.xLabel = xLabel
        self.lower = lower
        self.upper = upper
        self.histograms = histograms
    }

    /// Shares per bin (counts ÷ total), so histograms of different sizes compare.
    static func shares(_ counts: [Int]) -> [Double] {
        let total = Double(counts.reduce(0, +))
        return counts.map { total > 0 ? Double($0) / total : 0 }
    }

    /// Only the bins where any histogram has mass, padded by one, so the plot is not mostly empty.
    func visibleBins() -> Range<Int> {
        let bins = histograms.first?.counts.count ?? 0
        let used = (0..<bins).filter { bin in histograms.contains { $0.counts[bin] > 0 } }
        guard let first = used.first, let last = used.last else { return 0..<bins }
        return max(0, first - 1)..<min(bins, last + 2)
    }

    private func binEdge(_ bin: Int, bins: Int) -> Double {
        lower + (upper - lower) * Double(bin) / Double(bins)
    }

    /// Step outlines on one axis: x = the binned value, y = share of `items`.
    public func renderOverlay(width: Double = 640, height: Double = 360) -> String {
        let frame = PlotFrame(width: width, height: height, left: 56, legend: histograms.map(\.name))
        var svg = SVGDocument(width: frame.width, height: frame.height)
        let (left, top, plotWidth, plotHeight) = (frame.left, frame.top, frame.plotWidth, frame.plotHeight)
        let bins = histograms.first?.counts.count ?? 0
        let visible = visibleBins()
        let (minX, maxX) = (binEdge(visible.lowerBound, bins: bins), binEdge(visible.upperBound, bins: bins))
        let maxShare = histograms.map { Self.shares($0.counts).max() ?? 0 }.max() ?? 1
        func px(_ x: Double) -> Double { left + (x - minX) / max(maxX - minX, 1e-9) * plotWidth }
        func py(_ share: Double) -> Double { top + plotHeight - share / max(maxShare, 1e-12) * plotHeight }
        frame.drawFrame(in: &svg, title: title, xLabel: xLabel, yLabel: "share of \(items)")
        for tick in 0...4 {
            let fraction = Double(tick) / 4
            let x = left + fraction * plotWidth
            svg.text(Format.fixed(minX + (maxX - minX) * fraction, digits: 2), x: x, y: top + plotHeight + 16, size: 10, anchor: "middle")
            let y = top + plotHeight - fraction * plotHeight
            svg.text(Format.fixed(maxShare * fraction, digits: 3), x: left - 6, y: y + 4, size: 10, anchor: "end")
        }
        for (index, histogram) in histograms.enumerated() {
            let shares = Self.shares(histogram.counts)
            var points: [(Double, Double)] = [(px(minX), py(0))]
            for bin in visible {
                points.append((px(binEdge(bin, bins: bins)), py(shares[bin])))
                points.append((px(binEdge(bin + 1, bins: bins)), py(shares[bin])))
            }
            points.append((px(maxX), py(0)))
            svg.polyline(points, stroke: histogram.color, width: 1.5, dashed: histogram.dashed)
            frame.drawLegendEntry(in: &svg, index: index, name: histogram.name, color: histogram.color)
        }
        return svg.render()
    }

    /// One row per histogram, each scaled to its own peak, top to bottom in order.
    public func renderRidgeline(width: Double = 640, rowHeight: Double = 34) -> String {
        let left = 110.0, right = 24.0, top = 32.0, bottom = 40.0
        let height = top + bottom + rowHeight * Double(histograms.count) + rowHeight
        var svg = SVGDocument(width: width, height: height)
        let plotWidth = width - left - right
        let bins = histograms.first?.counts.count ?? 0
        let visible = visibleBins()
        let (minX, maxX) = (binEdge(visible.lowerBound, bins: bins), binEdge(visible.upperBound, bins: bins))
        func px(_ x: Double) -> Double { left + (x - minX) / max(maxX - minX, 1e-9) * plotWidth }
        svg.text(title, x: 8, y: 20, size: 14)
        for (index, histogram) in histograms.enumerated() {
            let shares = Self.shares(histogram.counts)
            let peak = max(shares.max() ?? 0, 1e-12)
            let baseline = top + rowHeight * Double(index + 2)
            func py(_ share: Double) -> Double { baseline - share / peak * rowHeight * 1.8 }
            var points: [(Double, Double)] = [(px(minX), baseline)]
            for bin in visible {
                points.append((px(binEdge(bin, bins: bins)), py(shares[bin])))
                points.append((px(binEdge(bin + 1, bins: bins)), py(shares[bin])))
            }
            points.append((px(maxX), baseline))
            svg.polygon(points, fill: histogram.color, opacity: 0.35)
            svg.polyline(points, stroke: histogram.color, width: 1.2, dashed: histogram.dashed)
            svg.text(histogram.name, x: left - 8, y: baseline - 2, size: 11, anchor: "end")
        }
        let axisY = top + rowHeight * Double(histograms.count + 1) + 6
        svg.line(x1: left, y1: axisY, x2: left + plotWidth, y2: axisY, stroke: "#333")
        for tick in 0...4 {
            let fraction = Double(tick) / 4
            svg.text(Format.fixed(minX + (maxX - minX) * fraction, digits: 2), x: left + fraction * plotWidth, y: axisY + 14, size: 10, anchor: "middle")
        }
        svg.text(xLabel, x: left + plotWidth / 2, y: height - 6, size: 12, anchor: "middle")
        return svg.render()
    }
}
