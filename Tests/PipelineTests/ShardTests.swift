import Testing
@testable import Pipeline

/// Shards cover every item exactly once, in order, and differ in size by at most one.
@Suite struct ShardTests {
    @Test(arguments: [0, 1, 7, 32_758])
    func shardsPartitionTheItemsInOrder(total: Int) throws {
        for count in [1, 2, 3, 4, 7, 64] {
            let ranges = try (0..<count).map { try Shard(index: $0, count: count).range(of: total) }
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == total)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            let sizes = ranges.map(\.count)
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
        }
    }

    @Test func parsingTakesKOfNAndRefusesTheRest() throws {
        #expect(try Shard(parsing: "2/5") == Shard(index: 2, count: 5))
        for text in ["5/5", "-1/3", "1/0", "1", "a/b", "1/2/3"] { #expect(throws: (any Error).self, "\(text)") { try Shard(parsing: text) } }
    }
}
