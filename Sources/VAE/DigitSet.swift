import Foundation
import Storage

/// 8×8 grey images with pixels scaled to [0, 1]: the real handwritten digits (with their labels)
/// or a generation's samples (without).
public struct DigitSet: Sendable, Equatable {
    public static let side = 8
    public static let pixels = side * side
    /// The real data's pixels are counts of set bits in 4×4 blocks: 0…16.
    public static let maximumPixel = 16

    /// `count × pixels` values, row-major images one after another.
    public var values: [Float]
    /// Digit classes 0…9 for real images; nil for generated ones.
    public var labels: [Int]?

    public var count: Int { values.count / Self.pixels }

    public init(values: [Float], labels: [Int]? = nil) {
        precondition(values.count % Self.pixels == 0 && labels.map { $0.count * Self.pixels == values.count } ?? true)
        self.values = values
        self.labels = labels
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> DigitSet {
        var picked: [Float] = []
        picked.reserveCapacity(indices.count * Self.pixels)
        for index in indices { picked += values[(index * Self.pixels)..<((index + 1) * Self.pixels)] }
        return DigitSet(values: picked, labels: labels.map { all in indices.map { all[$0] } })
    }

    /// These images followed by `other`'s; labels only when both have them.
    public func appending(_ other: DigitSet) -> DigitSet {
        let joined: [Int]? = if let labels, let more = other.labels { labels + more } else { nil }
        return DigitSet(values: values + other.values, labels: joined)
    }
}

extension DigitSet {
    /// Reads the digits corpus: one image per line, 64 integer pixels in 0…16 and then the label
    /// 0…9, comma-separated, no header; gzip-compressed when the name ends in `.gz`. A directory
    /// stands for the `digits.csv.gz` (or `digits.csv`) inside it.
    /// - Complexity: O(file size).
    public static func load(path: String) throws -> DigitSet {
        let file = try locate(path)
        let bytes = try Gzip.readAll(path: file)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw CollapseError("is not UTF-8 text", path: file) }
        var values: [Float] = [], labels: [Int] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count == 1, fields[0].allSatisfy(\.isWhitespace) { continue }
            guard fields.count == pixels + 1 else {
                throw CollapseError("line \(number + 1): expected \(pixels + 1) comma-separated values (\(pixels) pixels, then the label), found \(fields.count)", path: file)
            }
            for (column, field) in fields.enumerated() {
                let limit = column < pixels ? maximumPixel : 9
                guard let value = Int(field.trimmingCharacters(in: .whitespaces)), (0...limit).contains(value) else {
                    let what = column < pixels ? "pixel" : "label"
                    throw CollapseError("line \(number + 1), column \(column + 1): \(what) '\(field)' is not an integer in 0…\(limit)", path: file)
                }
                if column < pixels { values.append(Float(value) / Float(maximumPixel)) } else { labels.append(value) }
            }
        }
        guard !labels.isEmpty else { throw CollapseError("holds no digits", path: file) }
        return DigitSet(values: values, labels: labels)
    }

    static func locate(_ path: String) throws -> String {
        guard FileSystem.isDirectory(path) else { return path }
        for name in ["digits.csv.gz", "digits.csv"] where FileSystem.exists("\(path)/\(name)") { return "\(path)/\(name)" }
        throw CollapseError("holds neither digits.csv.gz nor digits.csv", path: path)
    }

    /// Writes the images as text, one per line, 64 tab-separated values each in shortest
    /// round-trip form (so `read(path:)` gives back the same numbers).
    public func write(to path: String) throws {
        let file = try OutputFile(path: path)
        for image in 0..<count {
            let row = values[(image * Self.pixels)..<((image + 1) * Self.pixels)]
            try file.write(row.map { "\($0)" }.joined(separator: "\t") + "\n")
        }
        try file.commit()
    }

    /// Reads images that `write(to:)` wrote.
    public static func read(path: String) throws -> DigitSet {
        var values: [Float] = []
        for (number, line) in try InputFile.readText(path: path).split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t")
            guard fields.count == pixels else { throw CollapseError("line \(number + 1): expected \(pixels) values, found \(fields.count)", path: path) }
            for field in fields {
                guard let value = Float(field), (0...1).contains(value) else {
                    throw CollapseError("line \(number + 1): '\(field)' is not a pixel value in [0, 1]", path: path)
                }
                values.append(value)
            }
        }
        return DigitSet(values: values)
    }
}
