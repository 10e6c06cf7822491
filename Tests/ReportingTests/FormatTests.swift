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

@Suite struct FormatTotalityTests {
    /// Every number a command prints or writes goes through these: none may trap, whatever
    /// training or a damaged file produced.
    @Test func hugeNonFiniteAndTinyValuesAreFormattedWithoutTrapping() {
        let extremes: [Double] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e300, 9.3e18,
                                  -9.3e18, 1e15, .leastNonzeroMagnitude, -.leastNormalMagnitude, 0]
        for value in extremes {
            for digits in [0, 2, 4] {
                #expect(!Format.fixed(value, digits: digits).isEmpty)
                #expect(!Format.scientific(value, digits: digits).isEmpty)
            }
            #expect(!Format.compact(value).isEmpty)
            #expect(!Format.duration(value).isEmpty)
        }
        #expect(Format.fixed(.nan, digits: 2) == "nan")
        #expect(Format.fixed(-.infinity, digits: 2) == "-inf")
        #expect(Format.fixed(3.3e19, digits: 2) == "3.30e+19")
        #expect(Format.compact(2.5e20) == "2.50e+20")
        #expect(Format.scientific(5e-324, digits: 1) == "4.9e-324")
        #expect(Format.duration(.infinity) == "?")
        #expect(Format.duration(-1) == "?")
        #expect(Format.duration(3725) == "1:02:05")
    }
}
