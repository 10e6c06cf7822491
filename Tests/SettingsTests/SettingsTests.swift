import Foundation
import Storage
import Testing
import TestSupport
@testable import Settings

// Limits as the modules declare theirs.
private enum TestLimits {
    static let beams = Limit<Int>(["--beams", "beams"], 1...64, reason: "beams")
    static let repetitionPenalty = Limit<Float>(["--penalty", "repetitionPenalty"], 0...100, includesLower: false, reason: "penalty")
    static let newTokens = Limit<Int>(["--new-tokens", "newTokens"], 1...1024, reason: "new tokens")
    static let order = Limit<Int>(["--order", "order"], 2...6, reason: "order")
    static let generations = Limit<Int>(["generations"], 1...100, reason: "generations")
    static let seedCount = Limit<Int>(["seeds (how many)"], 1...100, reason: "seeds")
    static let promptLimit = Limit<Int>(["--limit (generate)"], 1...10, reason: "prompts")
}

@Suite struct LimitTests {
    @Test func valuesOutsideTheRangeAreRefusedNamingTheOption() throws {
        #expect(TestLimits.beams.contains(1) && TestLimits.beams.contains(64) && !TestLimits.beams.contains(0) && !TestLimits.beams.contains(65))
        #expect(!TestLimits.repetitionPenalty.contains(0) && TestLimits.repetitionPenalty.contains(100) && TestLimits.repetitionPenalty.contains(1e-3))
        #expect(throws: CollapseError("--beams must be within 1…64 (got 100000)")) { try TestLimits.beams.check(100000, as: "--beams") }
        #expect(throws: CollapseError("repetitionPenalty must be within (0.0, 100.0] (got 0.0)", path: "c.json")) {
            try TestLimits.repetitionPenalty.check(0, as: "repetitionPenalty", path: "c.json")
        }
    }

    @Test func anOptionIsNamedAsTheLimitFirstSpellsIt() {
        #expect(TestLimits.beams.option == "--beams")
        #expect(TestLimits.promptLimit.option == "--limit")
        #expect(TestLimits.generations.option == "generations")
        #expect(TestLimits.beams.row.range == "within 1…64" && TestLimits.repetitionPenalty.row.range == "within (0.0, 100.0]")
    }
}

@Suite struct SettingsReaderTests {
    func reader(_ json: String) throws -> SettingsReader {
        try SettingsReader(try JSONValue.parse(Array(json.utf8)), path: "c.json")
    }

    @Test func everyProblemNamesItsKey() throws {
        var settings = try reader(#"{"beams": 2.5, "seeds": [1, 1], "name": 3, "model": {"order": 9}, "extra": true}"#)
        #expect(throws: CollapseError("'beams' must be a whole number within 1…64 (got 2.5)", path: "c.json")) { try settings.int("beams", TestLimits.beams) }
        #expect(throws: CollapseError("'seeds' lists a number twice", path: "c.json")) { try settings.distinctUnsignedList("seeds", count: TestLimits.seedCount) }
        #expect(throws: CollapseError("'name' must be text in quotes (got 3)", path: "c.json")) { try settings.string("name") }
        #expect(throws: CollapseError("missing key 'generations'", path: "c.json")) { try settings.int("generations", TestLimits.generations) }
        var model = try settings.object("model")
        #expect(throws: CollapseError("model.order must be within 2…6 (got 9)", path: "c.json")) { try model.int("order", TestLimits.order) }
        #expect(throws: CollapseError("unknown key 'extra' (known: beams, generations, model, name, seeds)", path: "c.json")) { try settings.finish() }
    }

    @Test func wholeNumbersAreExactUpTo64Bits() throws {
        var settings = try reader(#"{"seeds": [18446744073709551615, 0], "n": 64}"#)
        #expect(try settings.distinctUnsignedList("seeds", count: TestLimits.seedCount) == [UInt64.max, 0])
        #expect(try settings.int("n", TestLimits.newTokens) == 64)
        try settings.finish()
    }
}

@Suite struct MemoryBudgetTests {
    @Test func sizesParseWithSuffixes() {
        #expect(MemoryBudget.parseSize("1048576") == 1 << 20)
        #expect(MemoryBudget.parseSize("512M") == 512 << 20)
        #expect(MemoryBudget.parseSize(" 2g\n") == 2 << 30)
        #expect(MemoryBudget.parseSize("lots") == nil && MemoryBudget.parseSize("-1") == nil)
        #expect(MemoryBudget.describe(1536 << 20) == "1.5 GiB" && MemoryBudget.describe(300 << 20) == "300 MiB")
    }

    @Test func theSystemReportsAvailableMemory() throws {
        let available = try #require(MemoryBudget.meminfoAvailable())
        #expect(available > 1 << 20)
    }
}
