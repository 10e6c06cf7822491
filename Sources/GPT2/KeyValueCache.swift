import NeuralNetworks

/// Each decoding row's attention keys and values, per layer and position: what lets a step feed
/// one new token per row instead of the whole sequence. Rows fork and die as beams do; the
/// cache follows by copying each surviving row's filled positions from its parent into a second
/// buffer, then swapping the two.
final class KeyValueCache {
    let layers: Int
    let context: Int
    let width: Int
    /// [row][layer][key or value][position][width].
    private var storage: TensorBuffer<Float>
    private var spare: TensorBuffer<Float>
    /// Tokens held per row (the next token goes at this position).
    private(set) var lengths: [Int] = []

    init(layers: Int, context: Int, width: Int, rows: Int) {
        self.layers = layers
        self.context = context
        self.width = width
        storage = TensorBuffer(count: max(rows, 1) * Self.rowSize(layers: layers, context: context, width: width))
        spare = TensorBuffer(count: storage.count)
        lengths = [Int](repeating: 0, count: rows)
    }

    static func rowSize(layers: Int, context: Int, width: Int) -> Int { layers * 2 * context * width }

    var rowSize: Int { Self.rowSize(layers: layers, context: context, width: width) }
    var rows: Int { lengths.count }

    /// Where row `row`'s keys (or values) of `layer` start: [context][width].
    func keys(row: Int, layer: Int) -> UnsafeMutablePointer<Float> {
        storage.pointer + row * rowSize + layer * 2 * context * width
    }

    func values(row: Int, layer: Int) -> UnsafeMutablePointer<Float> {
        keys(row: row, layer: layer) + context * width
    }

    /// Marks `count` more positions of `row` filled (after their keys and values were written).
    func extend(row: Int, by count: Int) {
        lengths[row] += count
    }

    /// The next step's rows: row i is a copy of current row `parents[i]`.
    /// - Complexity: O(rows × filled positions × layers × width).
    func reorder(parents: [Int]) {
        if spare.count < parents.count * rowSize { spare = TensorBuffer(count: parents.count * rowSize) }
        let size = rowSize, half = context * width
        let source = storage, target = spare
        let lengths = self.lengths
        Parallel.forEach(parents.count, grain: 4) { range in
            for row in range {
                let parent = parents[row], filled = lengths[parent] * width
                for layer in 0..<self.layers {
                    let from = source.pointer + parent * size + layer * 2 * half, to = target.pointer + row * size + layer * 2 * half
                    to.update(from: from, count: filled)
                    (to + half).update(from: from + half, count: filled)
                }
            }
        }
        self.lengths = parents.map { lengths[$0] }
        (storage, spare) = (target, storage)
    }
}
