/// Every context's continuations, per order m ≥ 2, in buffers that decoding reads through raw
/// pointers (no reference counting or bounds checks in the top-k loop): the continuations of
/// the context in slot c at order m−1 (word id at m = 2) are entries offsets[m][c] ..<
/// offsets[m][c+1], each with its own slot, last word and log10 p.
final class ContinuationLists: @unchecked Sendable {
    let offsets: InlineArray<8, UnsafeMutablePointer<Int32>?>
    let slots: InlineArray<8, UnsafeMutablePointer<Int32>?>
    let words: InlineArray<8, UnsafeMutablePointer<Int32>?>
    let logs: InlineArray<8, UnsafeMutablePointer<Float>?>

    /// Per order (index m, entries 0 and 1 unused): the arrays to hold.
    init(offsets: [[Int32]], slots: [[Int32]], words: [[Int32]], logs: [[Float]]) {
        func copies<T>(_ arrays: [[T]]) -> InlineArray<8, UnsafeMutablePointer<T>?> {
            var pointers = InlineArray<8, UnsafeMutablePointer<T>?>(repeating: nil)
            for (m, array) in arrays.enumerated() where m >= 2 {
                let buffer = UnsafeMutablePointer<T>.allocate(capacity: max(1, array.count))
                buffer.initialize(from: array, count: array.count)
                pointers[m] = buffer
            }
            return pointers
        }
        self.offsets = copies(offsets)
        self.slots = copies(slots)
        self.words = copies(words)
        self.logs = copies(logs)
    }

    /// The entries of the context in slot `context` at order m−1.
    @inline(__always)
    func range(order m: Int, context: Int) -> Range<Int> {
        let starts = offsets[m].unsafelyUnwrapped
        return Int(starts[context])..<Int(starts[context + 1])
    }

    deinit {
        for m in 0..<8 {
            offsets[m]?.deallocate()
            slots[m]?.deallocate()
            words[m]?.deallocate()
            logs[m]?.deallocate()
        }
    }
}
