import NeuralNetworks

/// Each decoding row's attention keys and values, per layer and position: what lets a step feed
/// one new token per row instead of the whole sequence.
///
/// Every fed token gets a slot in one growing arena, written once; a row is the list of its
/// positions' slots. Beams forking and dying (Hugging Face's `reorder_cache`) then only reorder
/// these lists: no key or value is copied, and the beams of one prompt share their prompt's
/// slots.
final class KeyValueCache {
    let layers: Int
    let width: Int
    /// [slot][layer][key or value][width].
    private(set) var arena: TensorBuffer<Float>
    private var used = 0
    /// Each row's slots, by position.
    private(set) var slots: [[Int32]]

    init(layers: Int, width: Int, rows: Int, expectedSlots: Int) {
        self.layers = layers
        self.width = width
        arena = TensorBuffer(count: max(expectedSlots, 1) * layers * 2 * width)
        slots = Array(repeating: [], count: rows)
    }

    var rows: Int { slots.count }
    var slotSize: Int { layers * 2 * width }

    /// Tokens held by `row` (its next token goes at this position).
    func length(of row: Int) -> Int { slots[row].count }

    /// A new slot at `row`'s next position, for a token about to be fed. Call for all of a
    /// feed's tokens before taking any pointer (the arena may move while it grows).
    func appendSlot(to row: Int) -> Int {
        if (used + 1) * slotSize > arena.count {
            let grown = TensorBuffer<Float>(count: max(2 * arena.count, (used + 1) * slotSize))
            grown.pointer.update(from: arena.pointer, count: used * slotSize)
            arena = grown
        }
        slots[row].append(Int32(used))
        used += 1
        return used - 1
    }

    /// Where a slot's keys of `layer` start ([width]; its values follow them).
    func keys(slot: Int, layer: Int) -> UnsafeMutablePointer<Float> {
        arena.pointer + slot * slotSize + layer * 2 * width
    }

    /// The next step's rows: row i continues current row `parents[i]`.
    /// - Complexity: O(rows × positions) slot indices; no key or value moves.
    func reorder(parents: [Int]) {
        let previous = slots
        slots = parents.map { previous[$0] }
    }
}
