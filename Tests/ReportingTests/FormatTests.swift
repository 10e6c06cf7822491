import Testing
import Reporting

@Suite struct FormatTests {
    @Test func scientificNotationKeepsTwoExponentDigitsAndCarriesRounding() {
        #expect(Format.scientific(0.00017043, digits: 2) == "1.70e-04")
        #expect(Format.scientific(-3.7193e-05, digits: 2) == "-3.72e-05")
        #expect(Format.scientific(9.996e-7, digits: 2) == "1.00e-06")
        #expect(Format.scientific(12_345, digits: 1) == "1.2e+04")
        #expect(Format.scientific(0, digits: 2) == "0.00")
    }

    @Test func fixedRoundsToTheGivenDecimals() {
        #expect(Format.fixed(3.14159, digits: 2) == "3.14")
        #expect(Format.fixed(-0.004, digits: 2) == "0.00")
    }
}
