import Storage

/// Shard `index` of `count` of a list of work items (a generation's prompts): a contiguous
/// range fixed by the total alone, so shards written anywhere, in any order, join into what
/// one unsharded pass writes.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// - Throws: unless 0 ≤ index < count.
    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw CollapseError("a shard is K/N with 0 ≤ K < N, not \(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// "K/N", as `--shard` takes it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw CollapseError("a shard is K/N (e.g. 0/4), not '\(text)'")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The items of `total` this shard takes: ⌊total·K/N⌋ ..< ⌊total·(K+1)/N⌋.
    public func range(of total: Int) -> Range<Int> {
        (total * index / count)..<(total * (index + 1) / count)
    }
}
