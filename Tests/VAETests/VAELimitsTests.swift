import Foundation
import Storage
import Testing
import TestSupport
@testable import VAE

@Suite struct VAELimitsTests {
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
