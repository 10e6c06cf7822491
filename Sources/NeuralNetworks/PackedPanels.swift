/// Wᵀ for W [columns × depth] row-major (the tied embedding, [classes × channels]), laid out for
/// `TiledProduct` as B [depth × columns]: panels of `width` columns, each [depth × width]
/// contiguous and zero-padded past the last column, so a product streams it with no packing of
/// its own.
public final class PackedPanels<T: Scalar>: @unchecked Sendable {
    public let columns: Int
    public let depth: Int
    public let width: Int
    @usableFromInline let storage: TensorBuffer<T>

    /// Panels as wide as `TiledProduct`'s tiles on this CPU.
    public convenience init(columns: Int, depth: Int) {
        self.init(columns: columns, depth: depth, width: TiledProduct.tileColumns(T.self))
    }

    init(columns: Int, depth: Int, width: Int) {
        self.columns = columns
        self.depth = depth
        self.width = width
        storage = TensorBuffer(count: (columns + width - 1) / width * width * depth)
    }

    /// The panel holding column `column` (a multiple of `width`).
    @inlinable
    func panel(startingAt column: Int) -> UnsafePointer<T> {
        UnsafePointer(storage.pointer + column / width * width * depth)
    }

    /// Lays out the transpose of `weight` [columns × depth], panels spread over the cores.
    /// - Complexity: O(columns × depth).
    @inlinable
    public func pack(transposing weight: UnsafePointer<T>) {
        let (width, depth, columns) = (self.width, self.depth, self.columns)
        let base = storage.pointer
        Parallel.forEach((columns + width - 1) / width, grain: 64) { range in
            for panel in range {
                let target = base + panel * width * depth
                for lane in 0..<width {
                    let column = panel * width + lane
                    guard column < columns else { break }
                    let source = weight + column * depth
                    for p in 0..<depth { target[p * width + lane] = source[p] }
                }
            }
        }
    }
}
