import Foundation
import Reporting

/// Images drawn as a grid of white cells, dark ink on white as digit sets are usually shown: each pixel's grey
/// rounded to the real data's 17 levels, one SVG path per level (a few thousand pixels stay a
/// small file that any browser shows).
public enum DigitGrid {
    /// The first `columns × rows` images (fewer when there are fewer), `scale` units per pixel.
    /// - Complexity: O(images shown × pixels).
    public static func svg(_ images: DigitSet, columns: Int = 10, rows: Int = 10, scale: Double = 4) -> String {
        let shown = min(images.count, columns * rows)
        let side = DigitSet.side, cell = Double(side) * scale, gap = scale
        let width = Double(columns) * (cell + gap) + gap
        let height = Double(max(1, (shown + columns - 1) / columns)) * (cell + gap) + gap
        var squares = [String](repeating: "", count: DigitSet.maximumPixel + 1)
        for image in 0..<shown {
            let (left, top) = (gap + Double(image % columns) * (cell + gap), gap + Double(image / columns) * (cell + gap))
            for pixel in 0..<DigitSet.pixels {
                let level = Int((images.values[image * DigitSet.pixels + pixel] * Float(DigitSet.maximumPixel)).rounded())
                guard level > 0 else { continue }
                let (x, y) = (left + Double(pixel % side) * scale, top + Double(pixel / side) * scale)
                squares[min(level, DigitSet.maximumPixel)] += "M\(Format.fixed(x, digits: 1)) \(Format.fixed(y, digits: 1))h\(scale)v\(scale)h-\(scale)z"
            }
        }
        var document = SVGDocument(width: width, height: height)
        document.rectangle(x: 0, y: 0, width: width, height: height, fill: "#c8c8c8")
        for image in 0..<shown {
            document.rectangle(x: gap + Double(image % columns) * (cell + gap), y: gap + Double(image / columns) * (cell + gap),
                               width: cell, height: cell, fill: "#ffffff")
        }
        for (level, d) in squares.enumerated() where !d.isEmpty {
            let grey = Int((255 * (1 - Double(level) / Double(DigitSet.maximumPixel))).rounded())
            document.path(d, fill: String(format: "#%02x%02x%02x", grey, grey, grey))
        }
        return document.render()
    }
}
