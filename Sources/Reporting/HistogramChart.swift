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

    /// A vertical line at a value on the binned axis (e.g. the real data's p99), labelled.
    public struct Marker: Sendable {
        public var value: Double
        public var label: String

        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    public var title: String
    public var xLabel: String
    public var lower: Double
    public var upper: Double
    public var histograms: [Histogram]
    /// What the histograms count, for the overlay's y axis ("share of sequences").
    public var items = "sequences"
    /// The bins are over log10 of the values: the axis is labelled with the values themselves
    /// (1, 2, 5 × 10ᵏ), at their logs.
    public var logarithmic = false
    public var markers: [Marker] = []

    public init(title: String, xLabel: String, lower: Double, upper: Double, histograms: [Histogram]) {
        self.title = title
        self.xLabel = xLabel
        self.lower = lower
        self.upper = upper
        self.histograms = histograms
    }

    /// Histograms of raw values on bins fitted to them: `bins` equal bins from a nice value at
    /// or below the smallest to one at or above the largest (over log10 of the values when
    /// `logarithmic`), so no value is clipped into an end bin. Values that are not finite (or not
    /// positive, on a log axis) are left out.
    public static func fitted(title: String, xLabel: String, sets: [(name: String, values: [Double], color: String, dashed: Bool)],
                              bins: Int = 60, logarithmic: Bool = false) -> HistogramChart {
        let transform = { (value: Double) in logarithmic ? log10(value) : value }
        let usable = sets.map { $0.values.filter { $0.isFinite && (!logarithmic || $0 > 0) }.map(transform) }
        let all = usable.flatMap { $0 }
        let axis = AxisScale.linear(all.min() ?? 0, all.max() ?? 1, target: 10)
        let width = (axis.upper - axis.lower) / Double(bins)
        let histograms = zip(sets, usable).map { set, values in
            var counts = [Int](repeating: 0, count: bins)
            for value in values { counts[min(bins - 1, max(0, Int(((value - axis.lower) / width).rounded(.down))))] += 1 }
            return Histogram(name: set.name, counts: counts, color: set.color, dashed: set.dashed)
        }
        var chart = HistogramChart(title: title, xLabel: xLabel, lower: axis.lower, upper: axis.upper, histograms: histograms)
        chart.logarithmic = logarithmic
        return chart
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

    /// The binned axis's ticks within `minX…maxX`, as (position on the binned axis, label).
    func xTicks(_ minX: Double, _ maxX: Double) -> [(Double, String)] {
        if logarithmic {
            let axis = AxisScale.logarithmic(pow(10, minX), pow(10, maxX))
            return axis.ticks.map { (log10($0), axis.label($0)) }.filter { $0.0 >= minX - 1e-9 && $0.0 <= maxX + 1e-9 }
        }
        let axis = AxisScale.linear(minX, maxX)
        return axis.ticks.filter { $0 >= minX - 1e-9 && $0 <= maxX + 1e-9 }.map { ($0, axis.label($0)) }
    }

    /// Step outlines on one axis: x = the binned value, y = share of `items`.
    public func renderOverlay(width: Double = 640, height: Double = 360) -> String {
        let frame = PlotFrame(width: width, height: height, left: 56, legend: histograms.map(\.name))
        var svg = SVGDocument(width: frame.width, height: frame.height)
        let (left, top, plotWidth, plotHeight) = (frame.left, frame.top, frame.plotWidth, frame.plotHeight)
        let bins = histograms.first?.counts.count ?? 0
        let visible = visibleBins()
        let (minX, maxX) = (binEdge(visible.lowerBound, bins: bins), binEdge(visible.upperBound, bins: bins))
        let yAxis = AxisScale.linear(0, histograms.map { Self.shares($0.counts).max() ?? 0 }.max() ?? 1)
        func px(_ x: Double) -> Double { left + (x - minX) / max(maxX - minX, 1e-9) * plotWidth }
        func py(_ share: Double) -> Double { top + plotHeight - yAxis.fraction(share) * plotHeight }
        frame.drawFrame(in: &svg, title: title, xLabel: xLabel, yLabel: "share of \(items)")
        for (x, label) in xTicks(minX, maxX) {
            svg.line(x1: px(x), y1: top + plotHeight, x2: px(x), y2: top + plotHeight + 4, stroke: "#333")
            svg.text(label, x: px(x), y: top + plotHeight + 16, size: 10, anchor: "middle")
        }
        for share in yAxis.ticks {
            svg.line(x1: left - 4, y1: py(share), x2: left, y2: py(share), stroke: "#333")
            svg.text(yAxis.label(share), x: left - 6, y: py(share) + 4, size: 10, anchor: "end")
        }
        for marker in markers where marker.value >= minX && marker.value <= maxX {
            svg.line(x1: px(marker.value), y1: top, x2: px(marker.value), y2: top + plotHeight, stroke: "#888", dashed: true)
            svg.text(marker.label, x: px(marker.value) + 3, y: top + 10, size: 10)
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
        let axisY = top + rowHeight * Double(histograms.count + 1) + 6
        for marker in markers where marker.value >= minX && marker.value <= maxX {
            svg.line(x1: px(marker.value), y1: top + rowHeight * 0.5, x2: px(marker.value), y2: axisY, stroke: "#888", dashed: true)
            svg.text(marker.label, x: px(marker.value) + 3, y: top + rowHeight * 0.5 + 10, size: 10)
        }
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
        svg.line(x1: left, y1: axisY, x2: left + plotWidth, y2: axisY, stroke: "#333")
        for (x, label) in xTicks(minX, maxX) {
            svg.line(x1: px(x), y1: axisY, x2: px(x), y2: axisY + 4, stroke: "#333")
            svg.text(label, x: px(x), y: axisY + 14, size: 10, anchor: "middle")
        }
        svg.text(xLabel, x: left + plotWidth / 2, y: height - 6, size: 12, anchor: "middle")
        return svg.render()
    }
}
