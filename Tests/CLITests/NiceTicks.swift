import Foundation
import Testing

/// A tick label's value: "0.25", "-5", "250k", "2M".
func tickValue(_ label: String) -> Double? {
    let units: [Character: Double] = ["k": 1e3, "M": 1e6, "G": 1e9]
    if let last = label.last, let unit = units[last] { return Double(label.dropLast()).map { $0 * unit } }
    return Double(label)
}

/// Whether one axis's tick values read at a glance: a constant step of 1, 2, 2.5 or 5 × 10ᵏ
/// (a linear axis), or each a whole 1…9 × 10ᵏ (a logarithmic one).
func ticksAreNice(_ values: [Double]) -> Bool {
    func mantissa(_ x: Double) -> Double { x / pow(10, log10(abs(x)).rounded(.down)) }
    let sorted = values.sorted()
    let steps = zip(sorted, sorted.dropFirst()).map { $1 - $0 }
    if let step = steps.first, step > 0, steps.allSatisfy({ abs($0 - step) <= 1e-6 * step }),
       [1, 2, 2.5, 5, 10].contains(where: { abs(mantissa(step) - $0) < 1e-6 }) { return true }
    return sorted.allSatisfy { $0 > 0 && abs(mantissa($0) - mantissa($0).rounded()) < 1e-6 }
}

/// Every chart axis in `html` (an SVG file or a page of them): its tick labels (10-px text,
/// grouped by the line or column they sit on) are nice; returns how many axes were checked.
@discardableResult
func expectNiceTicks(in html: String, _ comment: String) -> Int {
    var checked = 0
    for svg in html.components(separatedBy: "<svg").dropFirst() {
        var axes: [String: [Double]] = [:]
        let pattern = #/<text x="([-0-9.]+)" y="([-0-9.]+)" font-size="10.00" text-anchor="(middle|end)"[^>]*>([^<]*)</text>/#
        for match in svg.components(separatedBy: "</svg>")[0].matches(of: pattern) {
            guard let value = tickValue(String(match.output.4)) else { continue }
            // x-axis labels share their line (middle-anchored), y-axis labels their column.
            axes[match.output.3 == "middle" ? "x@\(match.output.2)" : "y@\(match.output.1)", default: []].append(value)
        }
        for (axis, values) in axes where values.count >= 2 {
            #expect(ticksAreNice(values), "\(comment): axis \(axis) ticks \(values)")
            checked += 1
        }
    }
    return checked
}
