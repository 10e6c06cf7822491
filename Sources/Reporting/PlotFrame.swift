/// The layout the charts share: margins, plot area, title, axes, axis labels and legend.
/// The right margin grows with the longest legend entry (about 6.5 px per character at 11 px).
struct PlotFrame {
    let left: Double
    let top = 32.0
    let bottom = 48.0
    let right: Double
    let width: Double
    let height: Double

    init(width: Double, height: Double, left: Double, legend: [String]) {
        self.left = left
        right = max(150, 44 + 6.5 * Double(legend.map(\.count).max() ?? 0))
        self.width = width + max(0, right - 150)
        self.height = height
    }

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }
    var bottomEdge: Double { top + plotHeight }

    func drawFrame(in svg: inout SVGDocument, title: String, xLabel: String, yLabel: String) {
        svg.text(title, x: left, y: 20, size: 14)
        svg.line(x1: left, y1: bottomEdge, x2: left + plotWidth, y2: bottomEdge, stroke: "#333")
        svg.line(x1: left, y1: top, x2: left, y2: bottomEdge, stroke: "#333")
        svg.text(xLabel, x: left + plotWidth / 2, y: height - 8, size: 12, anchor: "middle")
        svg.text(yLabel, x: 14, y: top + plotHeight / 2, size: 12, anchor: "middle", rotate: -90)
    }

    func drawLegendEntry(in svg: inout SVGDocument, index: Int, name: String, color: String) {
        let y = top + 14 + Double(index) * 15
        svg.line(x1: left + plotWidth + 12, y1: y - 4, x2: left + plotWidth + 30, y2: y - 4, stroke: color, width: 2)
        svg.text(name, x: left + plotWidth + 34, y: y, size: 11)
    }
}
