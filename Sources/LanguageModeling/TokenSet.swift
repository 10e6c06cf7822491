/// A set of token ids as a bit set over the vocabulary: O(1) membership, 4 KB for 33k ids.
public struct TokenSet: Sendable, Equatable {
    private var bits: [UInt64]

    public init(capacity: Int) {
        bits = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }

    public init<S: Sequence>(_ ids: S, capacity: Int) where S.Element == Int32 {
        self.init(capacity: capacity)
        for id in ids { insert(id) }
    }

    public mutating func insert(_ id: Int32) {
        guard id >= 0, Int(id) / 64 < bits.count else { return }
        bits[Int(id) / 64] |= 1 << UInt64(id % 64)
    }

    @inline(__always)
    public func contains(_ id: Int32) -> Bool {
        guard id >= 0, Int(id) / 64 < bits.count else { return false }
        return bits[Int(id) / 64] & (1 << UInt64(id % 64)) != 0
    }
}
