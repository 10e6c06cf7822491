import Foundation

/// Number formatting for people: tables, progress and notes.
public enum Format {
    /// 2051910 → "2,051,910".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// 2051910 → "2.05M"; small values stay whole.
    public static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        switch magnitude {
        case ..<1_000: return fixed(value, digits: magnitude < 10 && value != value.rounded() ? 1 : 0)
        case ..<1_000_000: return fixed(value / 1e3, digits: magnitude < 1e4 ? 2 : 1) + "k"
        case ..<1_000_000_000: return fixed(value / 1e6, digits: magnitude < 1e7 ? 2 : 1) + "M"
        case ..<1e15: return fixed(value / 1e9, digits: 2) + "G"
        default: return scientific(value, digits: 2)
        }
    }

    /// A fixed number of decimals without Foundation's formatters: 3.14159, 2 → "3.14".
    /// Total: NaN and infinities are "nan", "inf", "-inf", and a value too large for its
    /// digits to be exact (|value| ≥ 10¹⁵) is written in scientific notation.
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let digits = min(max(digits, 0), 12)
        guard abs(value) < 1e15 else { return scientific(value, digits: max(digits, 2)) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        var text = String(whole)
        if digits > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return value < 0 && scaled != 0 ? "-" + text : text
    }

    /// Scientific notation with a two-digit exponent: 0.00017043, 2 → "1.70e-04".
    public static func scientific(_ value: Double, digits: Int) -> String {
        guard value.isFinite, value != 0 else { return fixed(value, digits: digits) }
        var exponent = Int(log10(abs(value)).rounded(.down))
        // In two steps below 1e-300, where 10^exponent itself would be 0.
        func scaled(_ exponent: Int) -> Double {
            exponent < -300 ? value * 1e300 / pow(10, Double(exponent + 300)) : value / pow(10, Double(exponent))
        }
        var mantissa = fixed(scaled(exponent), digits: digits)
        if mantissa.hasPrefix("10.") || mantissa.hasPrefix("-10.") {
            exponent += 1
            mantissa = fixed(scaled(exponent), digits: digits)
        }
        let magnitude = abs(exponent)
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    }

    /// 75.3 → "1:15"; 3725 → "1:02:05"; "?" for a duration that is not a finite, non-negative
    /// number of seconds under a million hours.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 3.6e9 else { return "?" }
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" : "\(minutes):\(twoDigits(secs))"
    }
}

/// A plain-text table with aligned columns: numbers right-aligned, text left-aligned.
public struct TextTable: Sendable {
    public var header: [String]
    public private(set) var rows: [[String]] = []

    public init(header: [String]) {
        self.header = header
    }

    public mutating func append(_ row: [String]) {
        rows.append(row)
    }

    public func render() -> String {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        let numeric = (0..<columns).map { column in
            rows.allSatisfy { row in
                column >= row.count || row[column].first.map { $0.isNumber || $0 == "-" } ?? true
            }
        }
        func line(_ row: [String]) -> String {
            var parts: [String] = []
            for column in 0..<columns {
                let cell = column < row.count ? row[column] : ""
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                parts.append(numeric[column] && column > 0 ? pad + cell : cell + pad)
            }
            return parts.joined(separator: "  ").replacingTrailingSpaces()
        }
        var lines = [line(header)]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(line)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func replacingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
