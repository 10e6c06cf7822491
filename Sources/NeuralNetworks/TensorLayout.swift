/// Named tensors laid out back to back in one flat buffer (weights, their gradients and the
/// optimizer's moments all share a layout), with each tensor's shape and whether weight decay
/// applies to it.
public struct TensorLayout: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        /// AdamW's decoupled weight decay applies (2-D weights), or not (biases, LayerNorm).
        public let decays: Bool
        public var count: Int { shape.reduce(1, *) }
    }

    public private(set) var entries: [Entry] = []
    public private(set) var count = 0

    public init() {}

    /// Adds a tensor after the others; returns its offset.
    @discardableResult
    public mutating func add(_ name: String, _ shape: [Int], decays: Bool) -> Int {
        let entry = Entry(name: name, shape: shape, offset: count, decays: decays)
        entries.append(entry)
        count += entry.count
        return entry.offset
    }

    public func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }
}

/// A flat buffer of numbers, owned and freed with the value's last reference. Layers work on
/// its raw pointer; copies share it (a class), so mutation is explicit.
public final class TensorBuffer<T: Scalar>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<T>
    public let count: Int

    @inlinable
    public init(count: Int, value: T = 0) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value, count: max(count, 1))
        self.count = count
    }

    deinit { pointer.deallocate() }

    @inlinable
    public func fill(_ value: T) {
        pointer.update(repeating: value, count: count)
    }

    @inlinable
    public func copy() -> TensorBuffer<T> {
        let result = TensorBuffer(count: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// Whether no element is NaN or infinite. - Complexity: O(count).
    public var isFinite: Bool {
        UnsafeBufferPointer(start: pointer, count: count).allSatisfy(\.isFinite)
    }

    @inlinable
    public subscript(index: Int) -> T {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }
}
