import Foundation

/// A chart axis: its extent and the tick values a reader takes in at a glance. Linear axes
/// step by 1, 2, 2.5 or 5 × 10ᵏ; logarithmic ones mark 1, 2 and 5 × 10ᵏ (only the powers of
/// ten when the axis spans more than three decades). The extent is widened to ticks that
/// contain every value, so nothing drawn leaves the plot.
public struct AxisScale: Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    public let ticks: [Double]
    public let logarithmic: Bool
    /// Decimals the labels need (linear axes).
    let digits: Int

    /// A linear axis over the values `low…high`, with about `target` intervals.
    /// - Parameter whole: steps of at least 1 (generations, counts).
    public static func linear(_ low: Double, _ high: Double, target: Int = 5, whole: Bool = false) -> AxisScale {
        var (low, high) = low.isFinite && high.isFinite ? (min(low, high), max(low, high)) : (0, 1)
        if low == high { (low, high) = low == 0 ? (0, 1) : (low - abs(low) * 0.5, high + abs(high) * 0.5) }
        let raw = (high - low) / Double(max(1, target))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        var step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * magnitude
        if whole { step = max(1, step.rounded(.up)) }
        let lower = (low / step).rounded(.down) * step, upper = (high / step).rounded(.up) * step
        // 2.5 × 10ᵏ needs one decimal more than 10ᵏ.
        let mantissa = step / magnitude
        let digits = max(0, -Int(log10(step).rounded(.down)) + (abs(mantissa - 2.5) < 1e-9 ? 1 : 0))
        // Each tick rounded to its decimals, so 3 × 0.2 is 0.6.
        let scale = pow(10, Double(digits + 2))
        let count = Int(((upper - lower) / step).rounded())
        let ticks = (0...max(count, 1)).map { ((lower + Double($0) * step) * scale).rounded() / scale }
        return AxisScale(lower: lower, upper: max(upper, lower + step), ticks: ticks, logarithmic: false, digits: whole ? 0 : digits)
    }

    /// A logarithmic axis over the positive values `low…high`: ticks at 1, 2 and 5 × 10ᵏ (the
    /// powers of ten alone past three decades; every whole mantissa 1…9 × 10ᵏ, or failing that a
    /// linear step, when fewer than three would fall among the values).
    public static func logarithmic(_ low: Double, _ high: Double) -> AxisScale {
        let positive = low > 0 && high > 0 && low.isFinite && high.isFinite
        var (low, high) = positive ? (min(low, high), max(low, high)) : (1, 10)
        if low == high { (low, high) = (low / 2, high * 2) }
        let first = Int(log10(low).rounded(.down)), last = Int(log10(high).rounded(.up))
        let choices: [[Double]] = last - first > 3 ? [[1]] : [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]
        for mantissas in choices {
            let candidates = (first...last).flatMap { k in mantissas.map { $0 * pow(10, Double(k)) } }
            let lower = candidates.last { $0 <= low * (1 + 1e-12) } ?? pow(10, Double(first))
            let upper = candidates.first { $0 >= high * (1 - 1e-12) } ?? pow(10, Double(last))
            let ticks = candidates.filter { $0 >= lower * (1 - 1e-12) && $0 <= upper * (1 + 1e-12) }
            let inside = ticks.count { $0 >= low * (1 - 1e-12) && $0 <= high * (1 + 1e-12) }
            if inside >= 3 || mantissas.count == 1 { return AxisScale(lower: lower, upper: upper, ticks: ticks, logarithmic: true, digits: 0) }
        }
        let linear = AxisScale.linear(low, high)
        let ticks = linear.ticks.filter { $0 > 0 }
        return AxisScale(lower: ticks.first ?? low, upper: ticks.last ?? high, ticks: ticks, logarithmic: true, digits: linear.digits)
    }

    /// Where `value` lies along the axis, 0 at `lower` and 1 at `upper`.
    public func fraction(_ value: Double) -> Double {
        if logarithmic { return (log10(max(value, .leastNormalMagnitude)) - log10(lower)) / (log10(upper) - log10(lower)) }
        return (value - lower) / (upper - lower)
    }

    /// A tick's label: as many decimals as the step needs; large values with a k, M or G
    /// (50k, 2.5M); on a log axis 0.02, 5, 200, 10k.
    public func label(_ value: Double) -> String {
        for (unit, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where abs(value) >= (logarithmic ? 1 : 10) * unit {
            let scaled = value / unit
            return Format.fixed(scaled, digits: abs(scaled - scaled.rounded()) < 1e-9 ? 0 : 1) + suffix
        }
        guard logarithmic else { return Format.fixed(value, digits: digits) }
        return Format.fixed(value, digits: max(digits, value >= 1 ? 0 : Int(-log10(value).rounded(.up))))
    }
}
