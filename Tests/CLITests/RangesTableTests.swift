import Testing
import TestSupport
@testable import CollapseCLI

@Suite struct RangesTableTests {
    /// The README's "Ranges" table lists every limit any module enforces, with the same range.
    @Test func theReadmeTableListsEveryModulesLimits() throws {
        let rows = CommandLimits.everyRow
        #expect(rows.count > 40)
        for limit in rows {
            let row = try readmeRow(naming: limit.names)
            #expect(row != nil, "no README row names \(limit.names)")
            #expect(row?.contains(limit.range) == true, "README row for \(limit.names) lacks '\(limit.range)': \(row ?? "")")
        }
    }
}
