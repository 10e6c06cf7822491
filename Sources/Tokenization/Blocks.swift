/// A set of equal-length blocks of token ids, stored flat: a corpus split, the continuations a
/// generation wrote, or a regime's mix of both.
public struct Blocks: Sendable, Equatable {
    /// Every block's ids back to back.
    public private(set) var ids: [Int32]
    /// Tokens per block.
    public let length: Int

    /// The whole blocks of `ids` (a remainder shorter than `length` is dropped).
    public init(ids: [Int32], length: Int) {
        precondition(length >= 1, "blocks have at least one token")
        self.ids = ids.count % length == 0 ? ids : Array(ids.prefix(ids.count - ids.count % length))
        self.length = length
    }

    /// No blocks yet, of `length` tokens each.
    public init(length: Int) {
        self.init(ids: [], length: length)
    }

    public var count: Int { ids.count / length }

    public subscript(index: Int) -> ArraySlice<Int32> {
        ids[(index * length)..<((index + 1) * length)]
    }

    /// The first `count` blocks (all of them when there are fewer).
    public func prefix(_ count: Int) -> Blocks {
        Blocks(ids: Array(ids.prefix(min(count, self.count) * length)), length: length)
    }

    public mutating func append<C: Collection>(_ block: C) where C.Element == Int32 {
        precondition(block.count == length, "a block of \(block.count) tokens among blocks of \(length)")
        ids.append(contentsOf: block)
    }

    public mutating func append(contentsOf other: Blocks) {
        precondition(other.length == length, "blocks of \(other.length) tokens among blocks of \(length)")
        ids.append(contentsOf: other.ids)
    }
}
