import Foundation

/// A minimal SVG writer: enough for line charts and histogram outlines, self-contained (no
/// fonts or scripts fetched), so a report renders offline.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var elements: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Text content and attribute values escaped for XML.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String { Format.fixed(value, digits: 2) }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false) {
        elements.append("<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"\(dashed ? " stroke-dasharray=\"4,3\"" : "")/>")
    }

    /// A data line; `class="mark"` identifies drawn data for checks.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dashed: Bool = false) {
        guard !points.isEmpty else { return }
        let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        elements.append("<polyline class=\"mark\" points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"\(dashed ? " stroke-dasharray=\"5,3\"" : "")/>")
    }

    /// A filled area (e.g. mean ± std band).
    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double = 0.2) {
        guard !points.isEmpty else { return }
        let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        elements.append("<polygon class=\"mark\" points=\"\(list)\" fill=\"\(fill)\" fill-opacity=\"\(Self.number(opacity))\" stroke=\"none\"/>")
    }

    public mutating func rectangle(x: Double, y: Double, width: Double, height: Double, fill: String) {
        elements.append("<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"\(fill)\"/>")
    }

    /// A filled outline in SVG path syntax (`d`), e.g. many unit squares of one colour at once.
    public mutating func path(_ d: String, fill: String) {
        elements.append("<path class=\"mark\" d=\"\(d)\" fill=\"\(fill)\"/>")
    }

    public mutating func circle(x: Double, y: Double, radius: Double, fill: String) {
        elements.append("<circle class=\"mark\" cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(fill)\"/>")
    }

    public mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", rotate: Double = 0) {
        let transform = rotate == 0 ? "" : " transform=\"rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))\""
        elements.append("<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" text-anchor=\"\(anchor)\" font-family=\"sans-serif\"\(transform)>\(Self.escape(content))</text>")
    }

    public func render() -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\">\n"
            + elements.joined(separator: "\n") + "\n</svg>\n"
    }
}

/// Series against a shared x axis, with optional shaded bands, on linear or log10 y.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dashed = false

        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
        }
    }

    public struct Band: Sendable {
        public var points: [(x: Double, lower: Double, upper: Double)]
        public var color: String

        public init(points: [(x: Double, lower: Double, upper: Double)], color: String) {
            self.points = points
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var bands: [Band] = []
    public var logY = false
    /// Label the x axis at whole numbers only (generations).
    public var integerX = false

    /// Series without a drawable point are left out (and out of the legend).
    public init(title: String, xLabel: String, yLabel: String, series: [Series], bands: [Band] = [], logY: Bool = false,
                integerX: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series.filter { $0.points.contains { $0.y.isFinite && (!logY || $0.y > 0) } }
        self.bands = bands
        self.logY = logY
        self.integerX = integerX
    }

    /// Colours that stay distinguishable for many series.
    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    public func render(width: Double = 640, height: Double = 360) -> String {
        let frame = PlotFrame(width: width, height: height, left: 64, legend: series.map(\.name))
        var svg = SVGDocument(width: frame.width, height: frame.height)
        let (left, top, plotWidth, plotHeight) = (frame.left, frame.top, frame.plotWidth, frame.plotHeight)
        let xs = series.flatMap { $0.points.map(\.x) } + bands.flatMap { $0.points.map(\.x) }
        let ys = (series.flatMap { $0.points.map(\.y) } + bands.flatMap { $0.points.flatMap { [$0.lower, $0.upper] } })
            .filter { $0.isFinite && (!logY || $0 > 0) }
        let (minX, maxX) = (xs.min() ?? 0, xs.max() ?? 1)
        let xAxis = AxisScale.linear(minX, maxX, target: integerX ? Int(min(10, max(1, maxX - minX))) : 5, whole: integerX)
        let yAxis = logY ? AxisScale.logarithmic(ys.min() ?? 1, ys.max() ?? 10) : AxisScale.linear(ys.min() ?? 0, ys.max() ?? 1)
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - yAxis.fraction(y) * plotHeight }

        frame.drawFrame(in: &svg, title: title, xLabel: xLabel, yLabel: yLabel + (logY ? " (log)" : ""))
        for value in yAxis.ticks {
            let y = py(value)
            svg.line(x1: left - 4, y1: y, x2: left, y2: y, stroke: "#333")
            svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: "#eee")
            svg.text(yAxis.label(value), x: left - 6, y: y + 4, size: 10, anchor: "end")
        }
        for value in xAxis.ticks {
            let x = px(value)
            svg.line(x1: x, y1: top + plotHeight, x2: x, y2: top + plotHeight + 4, stroke: "#333")
            svg.text(xAxis.label(value), x: x, y: top + plotHeight + 16, size: 10, anchor: "middle")
        }
        for band in bands where !band.points.isEmpty {
            // On a log axis a band's non-positive end is drawn at the axis's foot.
            let held = { (y: Double) in min(max(y.isFinite ? y : yAxis.lower, yAxis.lower), yAxis.upper) }
            let upper = band.points.map { (px($0.x), py(held($0.upper))) }
            let lower = band.points.reversed().map { (px($0.x), py(held($0.lower))) }
            svg.polygon(upper + lower, fill: band.color)
        }
        for (index, item) in series.enumerated() {
            svg.polyline(item.points.filter { $0.y.isFinite && (!logY || $0.y > 0) }.map { (px($0.x), py($0.y)) },
                         stroke: item.color, dashed: item.dashed)
            frame.drawLegendEntry(in: &svg, index: index, name: item.name, color: item.color)
        }
        return svg.render()
    }
}
