import Foundation
import Storage
import Testing
import TestSupport
@testable import VAE

@Suite struct VAELimitsTests {
    /// The README's "Ranges" table lists every limit of the VAE runs, with the same range.
    @Test func theReadmeTableListsEveryLimit() throws {
        for limit in VAELimits.table {
            let row = try readmeRow(naming: limit.names)
            #expect(row != nil, "no README row names \(limit.names)")
            #expect(row?.contains(limit.range) == true, "README row for \(limit.names) lacks '\(limit.range)': \(row ?? "")")
        }
    }

    @Test func aConfigurationOutsideItsRangesIsRefusedNamingTheOption() {
        var configuration = VAERunConfiguration()
        configuration.training.epochs = 0
        #expect(throws: CollapseError("--epochs must be within 1…100000 (got 0)")) { try configuration.validate() }
        configuration = VAERunConfiguration()
        configuration.seeds = [3, 3]
        #expect(throws: CollapseError("--seeds lists a seed twice")) { try configuration.validate() }
        configuration = VAERunConfiguration()
        configuration.realFraction = 0.2
        #expect(throws: CollapseError("--real-fraction is only taken with --regime real-fraction")) { try configuration.validate() }
    }
}
